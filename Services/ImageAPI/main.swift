print("image-api")
