import ImageModel
import ImageStores
import TestSupport
import Testing

/// Every store as the producer publishes a record again the same way (`verify --repair`): a new
/// version above both sides' in the same write as its whole-record event in the outbox, after
/// the record's earlier events; later changes go on from it. Against the real servers.
@Suite struct RepublishContractTests {
    static let stores = TestStore.allCases

    @Test(arguments: stores) func aRecordPublishedAgainGetsANewVersionAndAWholeRecordEvent(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let created = try await repository.create(plant: .tomato, NewImage(cameraID: 3, gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2), data: [0xFF, 0xD8]), at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000))
            _ = try await repository.update(plant: .tomato, ImageUpdate(id: created.id, isActive: true), at: Timestamp(millisecondsSinceEpoch: 1_700_000_001_000))
            let stored = try #require(try await repository.image(plant: .tomato, id: created.id))

            let again = try #require(try await repository.republish(plant: .tomato, id: created.id, above: 0))
            #expect(again.version == 3 && again.sameFields(as: stored))
            let ahead = try #require(try await repository.republish(plant: .tomato, id: created.id, above: 41))
            #expect(ahead.version == 42)
            #expect(try await repository.republish(plant: .tomato, id: 999_999, above: 0) == nil)
            #expect(try await repository.republish(plant: .potato, id: created.id, above: 0) == nil)

            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.map(\.version) == [1, 2, 3, 42] && entries.map(\.op) == [.create, .update, .repair, .repair])
            let event = try ChangeEvent(envelope: entries[3].envelope)
            #expect(event.payload == .record(ahead) && event.version == 42)

            let next = try #require(try await repository.update(plant: .tomato, ImageUpdate(id: created.id, isActive: false),
                                                                at: Timestamp(millisecondsSinceEpoch: 1_700_000_002_000)))
            #expect(next.version == 43)
            #expect(try await repository.image(plant: .tomato, id: created.id)?.version == 43)
        }
    }
}

extension Image {
    /// Equal in everything but the version: what a repair must keep.
    fileprivate func sameFields(as other: Image) -> Bool {
        var copy = self
        copy.version = other.version
        return copy == other
    }
}
