import ImageModel
import ImageStores
import TestSupport
import Testing

/// One contract, every store: each test runs against the real PostgreSQL and the real
/// MongoDB-compatible server, in a database of its own.
@Suite struct ImageRepositoryContractTests {
    static let stores = TestStore.allCases

    @Test(arguments: stores) func migrateIsIdempotent(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.migrate()
            #expect(try await repository.total(plant: .potato) == 0)
        }
    }

    @Test(arguments: stores) func insertedRecordsReadBackExactly(store: TestStore) async throws {
        try await store.withRepository { repository in
            let images = [Image.make(id: 1, data: Array(0...255) + (0..<40_000).map { UInt8($0 % 251) }),
                          Image.make(id: 2, disease: "Late Blight", percentage: 0.75, updatedAt: .some(nil))]
            try await repository.insert(plant: .potato, images)
            #expect(try await repository.image(plant: .potato, id: 1) == images[0])
            #expect(try await repository.image(plant: .potato, id: 2) == images[1])
            #expect(try await repository.image(plant: .potato, id: 3) == nil)
            #expect(try await repository.image(plant: .tomato, id: 1) == nil)
        }
    }

    @Test(arguments: stores) func insertLeavesExistingIDsUntouched(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .pepper, [Image.make(id: 1, cameraID: 1)])
            try await repository.insert(plant: .pepper, [Image.make(id: 1, cameraID: 9), Image.make(id: 2)])
            #expect(try await repository.image(plant: .pepper, id: 1)?.cameraID == 1)
            #expect(try await repository.total(plant: .pepper) == 2)
        }
    }

    @Test(arguments: stores) func createAssignsNextIDAndCopiesData(store: TestStore) async throws {
        try await store.withRepository { repository in
            let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_123)
            let gps = GPSCoordinates(latitude: 48.476563, longitude: 16.585654)
            let first = try await repository.create(plant: .tomato, NewImage(cameraID: 3, gpsCoordinates: gps, data: [1, 2, 3]), at: now)
            #expect(first == Image(id: 1, cameraID: 3, data: [1, 2, 3], gpsCoordinates: gps, createdAt: now, updatedAt: now))
            let second = try await repository.create(plant: .tomato, NewImage(cameraID: 4, gpsCoordinates: gps), at: now)
            #expect(second.id == 2)
            #expect(second.data == [1, 2, 3])
            #expect(try await repository.image(plant: .tomato, id: 2) == second)
        }
    }

    @Test(arguments: stores) func createWithoutDataOnEmptyPlantIsAConflict(store: TestStore) async throws {
        try await store.withRepository { repository in
            let error = await #expect(throws: ImageError.self) {
                try await repository.create(plant: .pepper, NewImage(cameraID: 1, gpsCoordinates: .init(latitude: 0, longitude: 0)), at: .now())
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: stores) func concurrentCreatesGetDistinctGaplessIDs(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .potato, [Image.make(id: 1)])
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for camera in 1...20 {
                    group.addTask {
                        try await repository.create(plant: .potato, NewImage(cameraID: Int64(camera), gpsCoordinates: .init(latitude: 1, longitude: 2)), at: .now()).id
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(ids.sorted() == Array(2...21))
            #expect(try await repository.total(plant: .potato) == 21)
        }
    }

    @Test(arguments: stores) func updateChangesOnlyGivenFieldsAndBumpsVersion(store: TestStore) async throws {
        try await store.withRepository { repository in
            let original = Image.make(id: 1)
            try await repository.insert(plant: .potato, [original])
            let later = Timestamp(millisecondsSinceEpoch: original.createdAt.millisecondsSinceEpoch + 5000)
            let updated = try await repository.update(plant: .potato, ImageUpdate(id: 1, disease: "Early Blight", percentage: 0.5, isActive: true), at: later)
            var expected = original
            expected.disease = "Early Blight"
            expected.percentage = 0.5
            expected.isActive = true
            expected.updatedAt = later
            expected.version = original.version + 1
            #expect(updated == expected)
            #expect(try await repository.image(plant: .potato, id: 1) == expected)

            let unchanged = try await repository.update(plant: .potato, ImageUpdate(id: 1, isActive: true), at: .now())
            #expect(unchanged == expected)
            #expect(try await repository.update(plant: .potato, ImageUpdate(id: 99, isActive: true), at: .now()) == nil)
        }
    }

    @Test(arguments: stores) func concurrentUpdatesAreAllCounted(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, cameraID: 1)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...11 {
                    group.addTask { _ = try await repository.update(plant: .tomato, ImageUpdate(id: 1, cameraID: Int64(camera)), at: .now()) }
                }
                try await group.waitForAll()
            }
            #expect(try await repository.image(plant: .tomato, id: 1)?.version == 11)
        }
    }

    @Test(arguments: stores) func softDeleteMarksTheRecord(store: TestStore) async throws {
        try await store.withRepository { repository in
            let original = Image.make(id: 1)
            try await repository.insert(plant: .pepper, [original])
            let at = Timestamp(millisecondsSinceEpoch: original.createdAt.millisecondsSinceEpoch + 1000)
            let deleted = try await repository.softDelete(plant: .pepper, id: 1, at: at)
            #expect(deleted?.isDeleted == true)
            #expect(deleted?.updatedAt == at)
            #expect(try await repository.image(plant: .pepper, id: 1) == deleted)
            #expect(try await repository.total(plant: .pepper) == 1)
            #expect(try await repository.softDelete(plant: .pepper, id: 2, at: at) == nil)
        }
    }

    @Test(arguments: stores) func listPagesByIDAndCountsTheFilter(store: TestStore) async throws {
        try await store.withRepository { repository in
            let images = (1...10).map { Image.make(id: Int64($0), isActive: $0 % 2 == 0, disease: $0 > 7 ? "Healthy" : nil) }
            try await repository.insert(plant: .potato, images)
            let page = try await repository.list(plant: .potato, fromID: 3, limit: 4, filter: ImageFilter())
            #expect(page.images.map(\.id) == [3, 4, 5, 6])
            #expect(page.total == 10)
            let active = try await repository.list(plant: .potato, fromID: 5, limit: 100, filter: ImageFilter(isActive: true))
            #expect(active.images.map(\.id) == [6, 8, 10])
            #expect(active.total == 5)
            let diagnosed = try await repository.list(plant: .potato, fromID: 1, limit: 100, filter: ImageFilter(isActive: false, hasDisease: true))
            #expect(diagnosed.images.map(\.id) == [9])
            #expect(diagnosed.total == 1)
            let undiagnosed = try await repository.list(plant: .potato, fromID: 1, limit: 100, filter: ImageFilter(hasDisease: false))
            #expect(undiagnosed.total == 7)
        }
    }

    @Test(arguments: stores) func randomHonoursTheFilter(store: TestStore) async throws {
        try await store.withRepository { repository in
            #expect(try await repository.random(plant: .tomato, filter: ImageFilter()) == nil)
            let images = (1...6).map { Image.make(id: Int64($0), isActive: $0 <= 2, disease: $0 == 2 ? "Leaf Mold" : nil) }
            try await repository.insert(plant: .tomato, images)
            var seen = Set<Int64>()
            for _ in 0..<40 {
                let image = try #require(try await repository.random(plant: .tomato, filter: ImageFilter(isActive: true)))
                seen.insert(image.id)
            }
            #expect(seen == [1, 2])
            #expect(try await repository.random(plant: .tomato, filter: ImageFilter(isActive: true, hasDisease: true))?.id == 2)
            #expect(try await repository.random(plant: .tomato, filter: ImageFilter(isActive: false, hasDisease: true)) == nil)
        }
    }

    @Test(arguments: stores) func deployedMarkAndRemoveAll(store: TestStore) async throws {
        try await store.withRepository { repository in
            #expect(try await repository.isDeployed() == false)
            try await repository.setDeployed()
            try await repository.setDeployed()
            #expect(try await repository.isDeployed())
            try await repository.insert(plant: .pepper, [Image.make(id: 1)])
            try await repository.removeAll()
            #expect(try await repository.isDeployed() == false)
            #expect(try await repository.total(plant: .pepper) == 0)
        }
    }

    @Test(arguments: stores) func unreachableServerIsUnavailable(store: TestStore) async throws {
        let repository = try store.unreachableRepository()
        let error = await #expect(throws: ImageError.self) { try await repository.ping() }
        #expect(error?.code == .storeUnavailable)
        await repository.close()
    }
}
