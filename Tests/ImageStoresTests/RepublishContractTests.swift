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

    /// A record only the consumer DB has is purged through the outbox: one pending purge per
    /// record (the latest), none for a record the producer has, gone once published.
    @Test(arguments: stores) func aPurgeOfARecordTheProducerLacksWaitsInTheOutboxUntilPublished(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let created = try await repository.create(plant: .pepper, NewImage(cameraID: 3, gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2), data: [0xFF, 0xD8]), at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000))
            #expect(try await repository.purge(plant: .pepper, id: created.id, removing: 7) == false)
            #expect(try await repository.purge(plant: .pepper, id: 9_000_000, removing: 3))
            #expect(try await repository.purge(plant: .pepper, id: 9_000_000, removing: 5))
            #expect(try await repository.purge(plant: .potato, id: created.id, removing: 1))

            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.count == 3 && entries.filter { $0.op == .purge }.map(\.version) == [0, 0])
            #expect(try await repository.pendingChangeCount() == 3)
            let purges = try entries.filter { $0.op == .purge }.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(Set(purges.map { "\($0.plant.rawValue) \($0.imageID) \($0.payload)" })
                == ["pepper 9000000 \(ChangeEvent.Payload.removal(version: 5))", "potato \(created.id) \(ChangeEvent.Payload.removal(version: 1))"])

            try await repository.removePublished(entries.filter { $0.op == .purge })
            #expect(try await repository.pendingChanges(limit: 10).map(\.op) == [.create])
            // The record it names was never touched.
            #expect(try await repository.image(plant: .pepper, id: created.id) != nil)
        }
    }

    /// The consumer side of a purge: the record goes if its version is the one named or older,
    /// never a newer one.
    @Test(arguments: stores) func aRemovalTakesTheVersionItNamesOrAnOlderOneOnly(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, version: 3), Image.make(id: 2, version: 3), Image.make(id: 3, version: 5)])
            let changed = try await repository.applyReplicaWrites([
                .remove(.tomato, imageID: 1, version: 3), .remove(.tomato, imageID: 2, version: 4), .remove(.tomato, imageID: 3, version: 4),
                .remove(.tomato, imageID: 4, version: 4), .remove(.potato, imageID: 3, version: 9),
            ]).changed
            #expect(changed == 2)
            #expect(try await repository.image(plant: .tomato, id: 1) == nil)
            #expect(try await repository.image(plant: .tomato, id: 2) == nil)
            #expect(try await repository.image(plant: .tomato, id: 3)?.version == 5)
            // Removed, then written again in the same call.
            let again = Image.make(id: 3, cameraID: 8, version: 1)
            #expect(try await repository.applyReplicaWrites([.remove(.tomato, imageID: 3, version: 5), .upsert(.tomato, again)]).changed == 2)
            #expect(try await repository.image(plant: .tomato, id: 3) == again)
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
