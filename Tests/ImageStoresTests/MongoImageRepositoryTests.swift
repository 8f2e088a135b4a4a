import Foundation
import ImageModel
import ImageStores
import Logging
import Mongo
import TestSupport
import Testing

/// MongoDB-specific behaviour of `MongoImageRepository`; the shared contract suite covers the rest.
@Suite struct MongoImageRepositoryTests {
    private static let logger = Logger(label: "test.mongo-repository")

    /// Runs `body` with migrated repositories sharing one new database (several stand for
    /// several image-api processes).
    private static func withRepositories(_ count: Int = 1, _ body: ([MongoImageRepository]) async throws -> Void) async throws {
        try await TestStore.mongo.withFreshURL { url, _ in
            let repositories = try (0..<count).map { _ in try MongoImageRepository(url: url, logger: logger) }
            do {
                try await repositories[0].migrate()
                try await body(repositories)
            } catch {
                for repository in repositories { await repository.close() }
                throw error
            }
            for repository in repositories { await repository.close() }
        }
    }

    private static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<256).map { UInt8($0) } + [0xFF, 0xD9]
    private static let gps = GPSCoordinates(latitude: 48.476563, longitude: 16.585654)
    private static let time = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123)

    private static func image(_ id: Int64, active: Bool = false, disease: String? = nil, camera: Int64 = 1) -> Image {
        Image(id: id, cameraID: camera, data: jpeg, gpsCoordinates: gps, createdAt: time, updatedAt: nil,
              isActive: active, disease: disease, percentage: disease == nil ? nil : 0.75)
    }

    @Test func twentyConcurrentCreatesGetIDsOneToTwenty() async throws {
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for camera in 1...20 {
                    group.addTask {
                        try await repository.create(plant: .tomato, NewImage(cameraID: Int64(camera), gpsCoordinates: Self.gps, data: Self.jpeg), at: Self.time).id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(ids.sorted() == Array(1...20))
            #expect(try await repository.total(plant: .tomato) == 20)
            #expect(try await repository.total(plant: .potato) == 0)
        }
    }

    @Test func createsFromTwoProcessesNeitherCollideNorLeaveGaps() async throws {
        try await Self.withRepositories(2) { repositories in
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<16 {
                    let repository = repositories[index % 2]
                    group.addTask {
                        try await repository.create(plant: .pepper, NewImage(cameraID: 1, gpsCoordinates: Self.gps, data: Self.jpeg), at: Self.time).id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(ids.sorted() == Array(1...16))
        }
    }

    @Test func createWithoutDataCopiesAnExistingImageOrConflicts() async throws {
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            let new = NewImage(cameraID: 2, gpsCoordinates: Self.gps)
            await #expect { try await repository.create(plant: .potato, new, at: Self.time) } throws: {
                ($0 as? ImageError)?.code == .conflict
            }
            try await repository.insert(plant: .potato, [Self.image(1)])
            let created = try await repository.create(plant: .potato, new, at: Self.time)
            #expect(created.id == 2 && created.data == Self.jpeg && created.version == 1)
            #expect(created.updatedAt == Self.time && !created.isActive && created.disease == nil)
            #expect(try await repository.image(plant: .potato, id: 2) == created)
        }
    }

    @Test func concurrentUpdatesOfOneRecordEachBumpTheVersionOnce() async throws {
        try await Self.withRepositories(2) { repositories in
            try await repositories[0].insert(plant: .tomato, [Self.image(1)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...11 {
                    let repository = repositories[camera % 2]
                    group.addTask {
                        _ = try await repository.update(plant: .tomato, ImageUpdate(id: 1, cameraID: Int64(camera)), at: Self.time)
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await repositories[0].image(plant: .tomato, id: 1))
            #expect(stored.version == 11)
        }
    }

    @Test func updateAndSoftDeleteWriteOnlyRealChanges() async throws {
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            try await repository.insert(plant: .pepper, [Self.image(1)])
            let later = Timestamp(millisecondsSinceEpoch: Self.time.millisecondsSinceEpoch + 1000)
            let updated = try #require(try await repository.update(plant: .pepper, ImageUpdate(id: 1, disease: "Healthy", percentage: 0.9, isActive: true), at: later))
            #expect(updated.version == 2 && updated.updatedAt == later && updated.disease == "Healthy" && updated.isActive)
            #expect(try await repository.image(plant: .pepper, id: 1) == updated)
            let unchanged = try await repository.update(plant: .pepper, ImageUpdate(id: 1, isActive: true), at: later)
            #expect(unchanged == updated)
            let deleted = try #require(try await repository.softDelete(plant: .pepper, id: 1, at: later))
            #expect(deleted.isDeleted && deleted.version == 3)
            #expect(try await repository.update(plant: .pepper, ImageUpdate(id: 99, cameraID: 3), at: later) == nil)
            #expect(try await repository.softDelete(plant: .pepper, id: 99, at: later) == nil)
        }
    }

    @Test func operatorLookingInputStaysData() async throws {
        // A JSON object where a number belongs never becomes an update at all…
        #expect(throws: ImageError.self) { try ImageUpdate(json: Array(#"{"id": 1, "camera_id": {"$gt": 0}}"#.utf8)) }
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            try await repository.insert(plant: .potato, [Self.image(1), Self.image(2)])
            // …and strings that look like operators are stored as the strings they are.
            let disease = #"{"$ne": null}"#
            let updated = try await repository.update(plant: .potato, ImageUpdate(id: 1, disease: disease), at: Self.time)
            #expect(updated?.disease == disease)
            #expect(try await repository.image(plant: .potato, id: 1)?.disease == disease)
            #expect(try await repository.image(plant: .potato, id: 2)?.disease == nil)
            let sick = try await repository.list(plant: .potato, fromID: 1, limit: 10, filter: ImageFilter(hasDisease: true))
            #expect(sick.images.map(\.id) == [1] && sick.total == 1)
        }
    }

    /// Documents as LIMS wrote them read back (int32 numbers, no `version`, nullable fields
    /// missing); a document of the wrong shape is an error for its read alone, never a crash.
    @Test func limsDocumentsReadAndMalformedOnesAreRefused() async throws {
        try await TestStore.mongo.withFreshURL { url, _ in
            let repository = try MongoImageRepository(url: url, logger: Self.logger)
            defer { Task { await repository.close() } }
            try await repository.migrate()
            let pool = try MongoClientPool(url: url, poolSize: 1, serverSelectionTimeoutMS: 20_000, logger: Self.logger)
            // Record `id` as LIMS wrote it, with one member replaced.
            func lims(_ id: Int32, replacing changed: (String, BSONValue)? = nil) -> BSONDocument {
                let members: [(String, BSONValue)] = [
                    ("id", .int32(id)), ("camera_id", .int32(3)), ("data", .binary(Self.jpeg)),
                    ("gps_coordinates", .array([.int32(48), .double(16.5)])), ("created_at", .dateTime(Self.time.millisecondsSinceEpoch)),
                    ("is_active", .bool(true)), ("is_deleted", .bool(false)),
                ]
                guard let changed else { return BSONDocument(members) }
                return BSONDocument(members.filter { $0.0 != changed.0 } + [changed])
            }
            let documents = [lims(1), lims(2, replacing: ("gps_coordinates", .array([.double(1)]))),
                             lims(3, replacing: ("camera_id", .string("three"))), lims(4, replacing: ("disease", .int32(7)))]
            try await pool.withClient { client in
                _ = try client.collection(Plant.potato.collectionName, database: pool.databaseName ?? "")
                    .insertMany(documents)
            }
            await pool.close()
            let read = try #require(try await repository.image(plant: .potato, id: 1))
            #expect((read.cameraID, read.version, read.updatedAt, read.disease, read.percentage) == (3, 1, nil, nil, nil))
            #expect(read.gpsCoordinates == GPSCoordinates(latitude: 48, longitude: 16.5) && read.data == Self.jpeg)
            for id: Int64 in 2...4 {
                await #expect(throws: ImageError.self) { try await repository.image(plant: .potato, id: id) }
            }
            #expect(try await repository.image(plant: .potato, id: 1) != nil, "the store still answers")
        }
    }

    @Test func listAndRandomApplyTheFilters() async throws {
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            try await repository.insert(plant: .tomato, [
                Self.image(1, active: true), Self.image(2, disease: "Leaf Mold"), Self.image(3, active: true, disease: "Healthy"),
                Self.image(4), Self.image(5, active: true), Self.image(6, active: true, disease: "Target Spot"),
            ])
            let active = try await repository.list(plant: .tomato, fromID: 2, limit: 2, filter: ImageFilter(isActive: true))
            #expect(active.images.map(\.id) == [3, 5] && active.total == 4)
            let undiagnosed = try await repository.list(plant: .tomato, fromID: 1, limit: 10, filter: ImageFilter(hasDisease: false))
            #expect(undiagnosed.images.map(\.id) == [1, 4, 5] && undiagnosed.total == 3)
            let none = try await repository.list(plant: .tomato, fromID: 1, limit: 0, filter: ImageFilter())
            #expect(none.images.isEmpty && none.total == 6)
            let filter = ImageFilter(isActive: true, hasDisease: true)
            for _ in 0..<5 {
                let pick = try #require(try await repository.random(plant: .tomato, filter: filter))
                #expect([3, 6].contains(pick.id))
            }
            #expect(try await repository.random(plant: .tomato, filter: ImageFilter(isDeleted: true)) == nil)
        }
    }

    @Test func insertKeepsExistingRecordsAndDeployedMarkRoundTrips() async throws {
        try await Self.withRepositories { repositories in
            let repository = repositories[0]
            try await repository.insert(plant: .pepper, [Self.image(1, camera: 1), Self.image(2, camera: 1)])
            try await repository.insert(plant: .pepper, [Self.image(2, camera: 9), Self.image(3, camera: 9)])
            #expect(try await repository.image(plant: .pepper, id: 2)?.cameraID == 1)
            #expect(try await repository.total(plant: .pepper) == 3)
            #expect(try await !repository.isDeployed())
            try await repository.setDeployed()
            try await repository.setDeployed()
            #expect(try await repository.isDeployed())
            try await repository.removeAll()
            #expect(try await !repository.isDeployed())
            #expect(try await repository.total(plant: .pepper) == 0)
        }
    }

    @Test func unreachableServerIsUnavailableQuickly() async throws {
        let repository = try MongoImageRepository(url: "mongodb://127.0.0.1:1/imagedbplantproducer", logger: Self.logger)
        let start = ContinuousClock.now
        await #expect { try await repository.ping() } throws: { ($0 as? ImageError)?.code == .storeUnavailable }
        // Generous on purpose (a loaded CI machine): what matters is that the driver's server
        // selection gives up instead of retrying for its default 30 s.
        #expect(ContinuousClock.now - start < .seconds(20))
        await repository.close()
    }

    @Test func onlyTheProducerSendsRetryableWrites() async throws {
        let url = "mongodb://127.0.0.1:1/imagedbplantproducer"
        let producer = try MongoImageRepository(url: url, writesChangeEvents: true, logger: Self.logger)
        let replica = try MongoImageRepository(url: url, logger: Self.logger)
        let chosen = try MongoImageRepository(url: url + "?retryWrites=true", logger: Self.logger)
        #expect(producer.retriesWrites)
        #expect(!replica.retriesWrites)
        #expect(chosen.retriesWrites)
        for repository in [producer, replica, chosen] { await repository.close() }
    }

    @Test func otherSchemesAreRejected() {
        #expect { try MongoImageRepository(url: "postgres://127.0.0.1/db", logger: Self.logger) } throws: {
            ($0 as? ImageError)?.field == "url"
        }
    }
}
