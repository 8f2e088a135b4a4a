import ImageModel
import ImageStores
import TestSupport
import Testing

/// Every store as either end of the batch sync, one contract: the paged reads of records
/// changed since a horizon (`ChangedImageReader`, the producer DB) and the watermark
/// (`SyncWatermarkStore`, the consumer DB). Against the real servers, a namespace per test.
@Suite struct BatchSyncContractTests {
    static let stores = TestStore.allCases
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + seconds * 1000) }

    /// Records 1–6 of potato: created at t0 + id seconds; 2 and 5 updated at t0 + 100 s; 4 and 6
    /// never updated (`updated_at` null, as LIMS left imported records); one tomato record.
    static func fill(_ repository: any SyncableImageRepository) async throws {
        let images = (1...6).map { id -> Image in
            let created = at(Int64(id))
            let updated: Timestamp?? = [2, 5].contains(id) ? .some(at(100)) : [4, 6].contains(id) ? .some(nil) : .some(created)
            return Image.make(id: Int64(id), createdAt: created, updatedAt: updated)
        }
        try await repository.insert(plant: .potato, images)
        try await repository.insert(plant: .tomato, [Image.make(id: 1, createdAt: at(200))])
    }

    @Test(arguments: stores) func withoutSinceEveryRecordComesInPagesByID(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await Self.fill(repository)
            let first = try await repository.changedImages(plant: .potato, since: nil, afterID: .min, limit: 4)
            #expect(first.map(\.id) == [1, 2, 3, 4])
            #expect(first[0] == (try await repository.image(plant: .potato, id: 1)))
            #expect(try await repository.changedImages(plant: .potato, since: nil, afterID: 4, limit: 4).map(\.id) == [5, 6])
            #expect(try await repository.changedImages(plant: .potato, since: nil, afterID: 6, limit: 4).isEmpty)
            #expect(try await repository.changedImages(plant: .potato, since: nil, afterID: .min, limit: 0).isEmpty)
            #expect(try await repository.changedImages(plant: .pepper, since: nil, afterID: .min, limit: 4).isEmpty)
        }
    }

    /// Pages by id over gaps in the ids, from the smallest id and up to the largest.
    @Test(arguments: stores) func pagesSpanGapsInTheIDs(store: TestStore) async throws {
        try await store.withRepository { repository in
            let ids: [Int64] = [1, 2, 3, 10, 11, 50, 51, 52, 1_000_000, .max]
            try await repository.insert(plant: .pepper, ids.map { Image.make(id: $0) })
            for limit in 1...4 {
                var (afterID, read): (Int64, [Int64]) = (.min, [])
                while true {
                    let page = try await repository.changedImages(plant: .pepper, since: nil, afterID: afterID, limit: limit).map(\.id)
                    #expect(page.count <= limit)
                    read += page
                    guard page.count == limit, let last = page.last else { break }
                    afterID = last
                }
                #expect(read == ids, "pages of \(limit)")
            }
            #expect(try await repository.changedImages(plant: .pepper, since: nil, afterID: 3, limit: 3).map(\.id) == [10, 11, 50])
            #expect(try await repository.changedImages(plant: .pepper, since: nil, afterID: .max - 1, limit: 5).map(\.id) == [.max])
        }
    }

    /// What changed after a horizon is read, whatever time its writer stamped on it: the
    /// order is the database's own, not a clock of image-api.
    @Test(arguments: stores) func changesAfterAHorizonAreReadWhateverTimeTheWriterGaveThem(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await Self.fill(repository)
            let before = try await repository.changeHorizon()
            #expect(try await repository.changedImages(plant: .potato, since: before, afterID: .min, limit: 10).isEmpty)

            // A writer whose clock is years behind: its times are older than every record's.
            let updated = try #require(try await repository.update(plant: .potato, ImageUpdate(id: 5, cameraID: 99), at: Self.at(-100_000_000)))
            let created = try await repository.create(plant: .potato, NewImage(cameraID: 1, gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2)),
                                                      at: Self.at(-100_000_000))
            _ = try await repository.softDelete(plant: .tomato, id: 1, at: Self.at(-100_000_000))
            #expect(try await repository.changedImages(plant: .potato, since: before, afterID: .min, limit: 10) == [updated, created])
            #expect(try await repository.changedImages(plant: .potato, since: before, afterID: 5, limit: 10) == [created])
            #expect(try await repository.changedImages(plant: .tomato, since: before, afterID: .min, limit: 10).map(\.id) == [1])

            let after = try await repository.changeHorizon()
            for plant in Plant.allCases {
                #expect(try await repository.changedImages(plant: plant, since: after, afterID: .min, limit: 10).isEmpty)
            }
        }
    }

    @Test(arguments: stores) func aHorizonOfAnotherStoreIsRefused(store: TestStore) async throws {
        try await store.withRepository { repository in
            let foreign: ChangeHorizon = store == .postgres ? .serverClock(Self.t0) : .postgresSnapshot("10:10:")
            await #expect(throws: ImageError.self) {
                try await repository.changedImages(plant: .potato, since: foreign, afterID: .min, limit: 10)
            }
        }
    }

    /// PostgreSQL stamps a row whoever writes it (a trigger), seeding included. A MongoDB
    /// document LeafSync never wrote (LIMS's, seeded) has no `changed_at`: its `updated_at`, or
    /// `created_at` where it was never updated, stands in.
    @Test(arguments: stores) func recordsWrittenByOtherMeansAreRead(store: TestStore) async throws {
        try await store.withRepository { repository in
            switch store {
            case .postgres:
                let before = try await repository.changeHorizon()
                try await Self.fill(repository)
                #expect(try await repository.changedImages(plant: .potato, since: before, afterID: .min, limit: 10).map(\.id) == [1, 2, 3, 4, 5, 6])
            case .mongo:
                try await Self.fill(repository)
                // At or after t0 + 4 s: 2 and 5 (updated later), 4 and 6 (never updated, created then or later).
                #expect(try await repository.changedImages(plant: .potato, since: .serverClock(Self.at(4)), afterID: .min, limit: 10).map(\.id) == [2, 4, 5, 6])
                #expect(try await repository.changedImages(plant: .potato, since: .serverClock(Self.at(4)), afterID: 2, limit: 2).map(\.id) == [4, 5])
                #expect(try await repository.changedImages(plant: .potato, since: .serverClock(Self.at(101)), afterID: .min, limit: 10).isEmpty)
                #expect(try await repository.changedImages(plant: .tomato, since: .serverClock(Self.at(101)), afterID: .min, limit: 10).map(\.id) == [1])
            }
        }
    }

    @Test(arguments: stores) func aWatermarkIsKeptPerJobUntilReplacedOrRemoved(store: TestStore) async throws {
        try await store.withRepository { repository in
            let (first, second, other): (ChangeHorizon, ChangeHorizon, ChangeHorizon) =
                (.postgresSnapshot("100:104:100,102"), .serverClock(Self.at(2)), .postgresSnapshot("7:7:"))
            #expect(try await repository.syncWatermark(job: "sync") == nil)
            try await repository.setSyncWatermark(first, job: "sync")
            try await repository.setSyncWatermark(other, job: "other")
            #expect(try await repository.syncWatermark(job: "sync") == first)
            try await repository.setSyncWatermark(second, job: "sync")
            #expect(try await repository.syncWatermark(job: "sync") == second)
            #expect(try await repository.syncWatermark(job: "other") == other)
            try await repository.migrate()
            #expect(try await repository.syncWatermark(job: "sync") == second)
            try await repository.removeAll()
            #expect(try await repository.syncWatermark(job: "sync") == nil)
        }
    }
}
