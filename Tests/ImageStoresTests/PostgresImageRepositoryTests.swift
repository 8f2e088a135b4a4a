import Foundation
import ImageModel
import ImageStores
import TestSupport
import Logging
import Postgres
import SeedData
import Testing

/// PostgreSQL-specific behaviour of `PostgresImageRepository`, beyond the shared contract
/// suite. Each test works in a schema of its own (through the URL's `search_path`), so tests
/// and other suites never see each other's rows.
@Suite("PostgresImageRepository")
struct PostgresImageRepositoryTests {
    static let logger = Logger(label: "leafsync.tests.postgres-repository")
    static let now = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123)

    @Test func fiftyConcurrentCreatesGetIDsOneToFiftyExactly() async throws {
        try await withRepository { repository, _ in
            try await repository.insert(plant: .potato, [pgImage(id: 1, data: [0xFF, 0xD8, 1])])
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for camera in 1...50 {
                    group.addTask {
                        try await repository.create(plant: .potato, NewImage(cameraID: Int64(camera), gpsCoordinates: .init(latitude: 1, longitude: 2)),
                                                    at: Self.now).id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(ids.sorted() == Array(2...51))
            #expect(try await repository.total(plant: .potato) == 51)
            #expect(try await repository.image(plant: .potato, id: 51)?.data == [0xFF, 0xD8, 1])
            #expect(try await repository.total(plant: .tomato) == 0)
        }
    }

    @Test func createWithoutDataInAnEmptyPlantIsAConflict() async throws {
        try await withRepository { repository, _ in
            let error = await #expect(throws: ImageError.self) {
                try await repository.create(plant: .pepper, NewImage(cameraID: 1, gpsCoordinates: .init(latitude: 0, longitude: 0)), at: Self.now)
            }
            #expect(error?.code == .conflict)
            let created = try await repository.create(plant: .pepper, NewImage(cameraID: 1, gpsCoordinates: .init(latitude: 0, longitude: 0), data: [7]), at: Self.now)
            #expect(created == Image(id: 1, cameraID: 1, data: [7], gpsCoordinates: .init(latitude: 0, longitude: 0),
                                     createdAt: Self.now, updatedAt: Self.now))
        }
    }

    @Test func concurrentUpdatesOfOneRecordEachBumpTheVersionOnce() async throws {
        try await withRepository { repository, _ in
            try await repository.insert(plant: .tomato, [pgImage(id: 9)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...21 {
                    group.addTask { _ = try await repository.update(plant: .tomato, ImageUpdate(id: 9, cameraID: Int64(camera)), at: Self.now) }
                }
                try await group.waitForAll()
            }
            #expect(try await repository.image(plant: .tomato, id: 9)?.version == 21)
            let unchanged = try await repository.update(plant: .tomato, ImageUpdate(id: 9, isActive: false), at: Self.now)
            #expect(unchanged?.version == 21)
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 10, isActive: true), at: Self.now) == nil)
        }
    }

    @Test func allFieldsIncludingNullsAndTimestampsRoundTrip() async throws {
        try await withRepository { repository, _ in
            let bytes = (0..<40_960).map { UInt8($0 % 256) }
            let images = [
                pgImage(id: 1, data: bytes, updatedAt: nil),
                Image(id: 2, cameraID: 3, data: [1], gpsCoordinates: .init(latitude: -90, longitude: 180),
                      createdAt: Timestamp(millisecondsSinceEpoch: -1), updatedAt: Self.now, isActive: true, isDeleted: true,
                      disease: "Late Blight", percentage: 0.875, version: 7),
            ]
            try await repository.insert(plant: .potato, images)
            try await repository.insert(plant: .potato, [pgImage(id: 2, data: [9])])  // existing id: left untouched
            #expect(try await repository.list(plant: .potato, fromID: 1, limit: 10, filter: ImageFilter()).images == images)
        }
    }

    @Test func migratingConcurrentlyAndRepeatedlyRecordsEachStepOnce() async throws {
        try await withRepository(migrated: false) { repository, url in
            let second = try PostgresImageRepository(url: url, logger: Self.logger)
            async let first: Void = repository.migrate()
            async let other: Void = second.migrate()
            _ = try await (first, other)
            try await repository.migrate()
            await second.close()
            #expect(try await repository.total(plant: .potato) == 0)
            #expect(try await !repository.isDeployed())
            try await repository.setDeployed()
            try await repository.setDeployed()
            #expect(try await repository.isDeployed())
        }
    }

    @Test func anUnreachableServerIsUnavailableAndInitDoesNotConnect() async throws {
        let repository = try PostgresImageRepository(url: "postgres://app@127.0.0.1:1/appdb", logger: Self.logger)
        let error = await #expect(throws: ImageError.self) { try await repository.ping() }
        #expect(error?.code == .storeUnavailable)
        await repository.close()
    }

    @Test func aURLOfAnotherSchemeIsRejected() {
        #expect(throws: ImageError.invalidField("url", "must start with postgres:// or postgresql://")) {
            try PostgresImageRepository(url: "mongodb://127.0.0.1:27017", logger: Self.logger)
        }
    }

    @Test func seedingTwoThousandJPEGsPerPlantThenReadingThemBack() async throws {
        let seeds = SeedImages(jpegs: try LeafJPEGs(), seed: 42)
        try await withRepository { repository, _ in
            let clock = ContinuousClock()
            let seeding = try await clock.measure {
                for plant in Plant.allCases {
                    try await repository.insert(plant: plant, seeds.images(plant: plant, count: 2_000, now: Self.now))
                }
            }
            let expected = seeds.images(plant: .tomato, count: 2_000, now: Self.now)
            var reads = 0
            let reading = try await clock.measure {
                for id in stride(from: 1, through: 2_000, by: 1) {
                    let image = try await repository.image(plant: .tomato, id: Int64(id))
                    #expect(image == expected[id - 1])
                    reads += 1
                }
            }
            let bytes = Plant.allCases.reduce(0) { $0 + seeds.images(plant: $1, count: 2_000, now: Self.now).reduce(0) { $0 + $1.data.count } }
            print("PostgreSQL: seeded 6,000 images (\(bytes / 1_000_000) MB) in \(seeding); \(reads) sequential gets in \(reading)")
            #expect(try await repository.total(plant: .pepper) == 2_000)
            let active = try await repository.list(plant: .potato, fromID: 1_990, limit: 5, filter: ImageFilter(isActive: true))
            #expect(active.images.allSatisfy { $0.isActive && $0.id >= 1_990 })
            #expect(active.total == Int64(seeds.images(plant: .potato, count: 2_000, now: Self.now).filter(\.isActive).count))
            let sick = try await repository.random(plant: .tomato, filter: ImageFilter(isActive: false, hasDisease: true))
            #expect(sick.map { !$0.isActive && $0.disease != nil } == true)
        }
    }

    // MARK: - Fixture

    /// Runs `body` with a repository on a new schema (and its URL).
    private func withRepository(migrated: Bool = true, _ body: (PostgresImageRepository, String) async throws -> Void) async throws {
        try await TestStore.postgres.withFreshURL { url, _ in
            let repository = try PostgresImageRepository(url: url, logger: Self.logger)
            do {
                if migrated { try await repository.migrate() }
                try await body(repository, url)
            } catch {
                await repository.close()
                throw error
            }
            await repository.close()
        }
    }
}

/// A small record; named apart from the contract suite's fixtures, which share this target.
private func pgImage(id: Int64, data: [UInt8] = [0xFF, 0xD8, 0xFF], updatedAt: Timestamp? = PostgresImageRepositoryTests.now) -> Image {
    Image(id: id, cameraID: 1, data: data, gpsCoordinates: GPSCoordinates(latitude: 48.476563, longitude: 16.585654),
          createdAt: PostgresImageRepositoryTests.now, updatedAt: updatedAt)
}
