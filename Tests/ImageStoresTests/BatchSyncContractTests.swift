import ImageModel
import ImageStores
import TestSupport
import Testing

/// Every store as either end of the batch sync, one contract: the paged reads of records
/// changed since a time (`ChangedImageReader`, the producer DB) and the watermark
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

    @Test(arguments: stores) func sinceSelectsByUpdatedAtOrCreatedAtWhenNeverUpdated(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await Self.fill(repository)
            // At or after t0 + 4 s: 2 and 5 (updated later), 4 and 6 (never updated, created then or later).
            #expect(try await repository.changedImages(plant: .potato, since: Self.at(4), afterID: .min, limit: 10).map(\.id) == [2, 4, 5, 6])
            #expect(try await repository.changedImages(plant: .potato, since: Self.at(4), afterID: 2, limit: 2).map(\.id) == [4, 5])
            #expect(try await repository.changedImages(plant: .potato, since: Self.at(100), afterID: .min, limit: 10).map(\.id) == [2, 5])
            #expect(try await repository.changedImages(plant: .potato, since: Self.at(101), afterID: .min, limit: 10).isEmpty)
            #expect(try await repository.changedImages(plant: .tomato, since: Self.at(101), afterID: .min, limit: 10).map(\.id) == [1])

            let updated = try #require(try await repository.update(plant: .potato, ImageUpdate(id: 1, isActive: true), at: Self.at(300)))
            #expect(try await repository.changedImages(plant: .potato, since: Self.at(300), afterID: .min, limit: 10) == [updated])
        }
    }

    @Test(arguments: stores) func aWatermarkIsKeptPerJobUntilReplacedOrRemoved(store: TestStore) async throws {
        try await store.withRepository { repository in
            #expect(try await repository.syncWatermark(job: "sync") == nil)
            try await repository.setSyncWatermark(Self.at(1), job: "sync")
            try await repository.setSyncWatermark(Self.at(5), job: "other")
            #expect(try await repository.syncWatermark(job: "sync") == Self.at(1))
            try await repository.setSyncWatermark(Self.at(2), job: "sync")
            #expect(try await repository.syncWatermark(job: "sync") == Self.at(2))
            #expect(try await repository.syncWatermark(job: "other") == Self.at(5))
            try await repository.migrate()
            #expect(try await repository.syncWatermark(job: "sync") == Self.at(2))
            try await repository.removeAll()
            #expect(try await repository.syncWatermark(job: "sync") == nil)
        }
    }
}
