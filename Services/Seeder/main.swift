print("seeder")
