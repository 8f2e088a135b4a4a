import ImageModel
import ImageStores
import Kafka
import Synchronization
import TestSupport
import Testing
@testable import StreamSync

/// The consumer's apply on the real stores: while no change waits, a batch is written before
/// anything is read, each write resting on what its changes imply the DB holds; only the
/// records whose assumption failed are read and planned again. The outcomes and the DB must be
/// what planning against read states gives.
@Suite struct ReplicaApplierTests {
    @Test(arguments: TestStore.allCases)
    func aBatchWhoseAssumptionsHoldIsWrittenWithoutARead(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.applyReplicaWrites([.upsert(.potato, Image.make(id: 1, version: 2))])
            let replica = ReadCountingReplica(repository)
            let changes = [Self.create(.potato, 2), Self.patch(.potato, 2, version: 2, cameraID: 5), Self.patch(.potato, 1, version: 3, cameraID: 6),
                           Self.create(.tomato, 1)]
            let outcomes = try await ReplicaApplier(replica: replica).apply(Self.sourced(changes), now: .now(), anyWaiting: false)
            #expect(outcomes == Array(repeating: .applied, count: 4))
            #expect(replica.statesRead.withLock { $0 } == 0)
            #expect(try await repository.image(plant: .potato, id: 2)?.version == 2)
            #expect(try await repository.image(plant: .potato, id: 2)?.cameraID == 5)
            #expect(try await repository.image(plant: .potato, id: 1)?.cameraID == 6)
            #expect(try await repository.image(plant: .tomato, id: 1)?.version == 1)
        }
    }

    /// Every way an assumption fails: a create of a record held (a redelivery), a patch of a
    /// record behind it (a gap), ahead of it (stale), absent, and a create whose later patch
    /// applies on the version held. One assumed write that holds shares the failing ones' bulk,
    /// which MongoDB cannot tell apart from them.
    @Test(arguments: TestStore.allCases)
    func failedAssumptionsAreReadAndPlannedAgain(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.applyReplicaWrites([
                .upsert(.potato, Image.make(id: 1, version: 3)), .upsert(.potato, Image.make(id: 2, version: 1)),
                .upsert(.tomato, Image.make(id: 5, version: 1)), .upsert(.tomato, Image.make(id: 7, version: 5)),
                .upsert(.tomato, Image.make(id: 8, version: 1)),
            ])
            let replica = ReadCountingReplica(repository)
            let changes = [
                Self.create(.potato, 10),                           // new: applied
                Self.create(.potato, 2),                            // held at version 1: stale
                Self.create(.potato, 1),                            // held at version 3: stale ...
                Self.patch(.potato, 1, version: 4, cameraID: 6),    // ... and this applies on version 3
                Self.patch(.tomato, 5, version: 3, cameraID: 7),    // version 2 missing: waits
                Self.patch(.tomato, 6, version: 2, cameraID: 7),    // no record: waits
                Self.patch(.tomato, 7, version: 4, cameraID: 7),    // version 5 held: stale
                Self.patch(.tomato, 8, version: 2, cameraID: 9),    // applied, beside the misses
            ]
            let outcomes = try await ReplicaApplier(replica: replica).apply(Self.sourced(changes), now: .now(), anyWaiting: false)
            #expect(outcomes == [.applied, .stale, .stale, .applied, .waiting, .waiting, .stale, .applied])
            #expect(replica.statesRead.withLock { $0 } > 0)
            #expect(try await repository.image(plant: .potato, id: 10) == Image.make(id: 10))
            #expect(try await repository.image(plant: .potato, id: 2) == Image.make(id: 2))
            let patched = try #require(try await repository.image(plant: .potato, id: 1))
            #expect(patched.version == 4 && patched.cameraID == 6)
            #expect(try await repository.image(plant: .tomato, id: 5) == Image.make(id: 5))
            #expect(try await repository.image(plant: .tomato, id: 6) == nil)
            #expect(try await repository.image(plant: .tomato, id: 7) == Image.make(id: 7, version: 5))
            let beside = try #require(try await repository.image(plant: .tomato, id: 8))
            #expect(beside.version == 2 && beside.cameraID == 9)
            let waiting = try await repository.waitingChanges(of: [5, 6, 7, 8].map { RecordKey(plant: .tomato, imageID: $0) })
            #expect(Set(waiting.map { "\($0.imageID) v\($0.version)" }) == ["5 v3", "6 v2"])
        }
    }

    /// The same batch planned against read states (changes may wait) gives the same outcomes:
    /// assuming is an optimisation, never a change of meaning.
    @Test(arguments: TestStore.allCases)
    func assumingGivesWhatReadingGives(store: TestStore) async throws {
        let changes = [Self.create(.pepper, 1), Self.patch(.pepper, 1, version: 2, cameraID: 3), Self.patch(.pepper, 2, version: 2, cameraID: 3),
                       Self.patch(.pepper, 3, version: 5, cameraID: 3), Self.create(.pepper, 4)]
        var results: [[ChangeOutcome]] = []
        var records: [[Image?]] = []
        for anyWaiting in [true, false] {
            try await store.withRepository { repository in
                try await repository.applyReplicaWrites([.upsert(.pepper, Image.make(id: 2, version: 1)), .upsert(.pepper, Image.make(id: 3, version: 4)),
                                                         .upsert(.pepper, Image.make(id: 4, version: 1))])
                results.append(try await ReplicaApplier(replica: repository).apply(Self.sourced(changes), now: .now(), anyWaiting: anyWaiting))
                var held: [Image?] = []
                for id: Int64 in 1...4 { held.append(try await repository.image(plant: .pepper, id: id)) }
                records.append(held)
            }
        }
        #expect(results[0] == [.applied, .applied, .applied, .applied, .stale])
        #expect(results[1] == results[0])
        #expect(records[1] == records[0])
    }

    /// While nothing waits, a batch looks for no waiting change: one another consumer parked
    /// meanwhile (a rebalance racing the batch that writes its record) is applied by the next
    /// settle, not left until its expiry. Settling leaves a change whose record is still
    /// missing waiting until it expires, then dead-letters it with why.
    @Test(arguments: TestStore.allCases)
    func aChangeParkedMeanwhileIsAppliedByTheNextSettle(store: TestStore) async throws {
        try await store.withRepository { repository in
            let applier = ReplicaApplier(replica: repository)
            let parkedAt = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 60_000)
            let elsewhere = Self.sourced([Self.patch(.potato, 3, version: 2, cameraID: 8), Self.patch(.potato, 4, version: 2, cameraID: 8)])
            try await repository.park(waiting: elsewhere.compactMap { $0.waitingChange(since: parkedAt) })
            #expect(try await applier.apply(Self.sourced([Self.create(.potato, 3)]), now: .now(), anyWaiting: false) == [.applied])
            #expect(try await repository.image(plant: .potato, id: 3)?.version == 1)

            let owned: (String, Int32) -> Bool = { topic, _ in topic == "applier-potato" }
            let reason: (WaitingChange, Int64?) -> String = { change, _ in "image \(change.imageID) expired" }
            #expect(try await applier.settle(expiringBefore: parkedAt, limit: 10, owns: { _, _ in false }, reason: reason).isEmpty)
            #expect(try await repository.image(plant: .potato, id: 3)?.version == 1, "another consumer's partition is left alone")
            #expect(try await applier.settle(expiringBefore: parkedAt, limit: 10, owns: owned, reason: reason).isEmpty)
            let settled = try #require(try await repository.image(plant: .potato, id: 3))
            #expect(settled.version == 2 && settled.cameraID == 8)
            #expect(try await repository.waitingChanges(of: [RecordKey(plant: .potato, imageID: 4)]).count == 1)

            let expired = try await applier.settle(expiringBefore: .now(), limit: 10, owns: owned, reason: reason)
            #expect(expired.map(\.1) == ["image 4 expired"])
        }
    }

    @Test func onlyRecordsWithCreatesAndPatchesAloneAreAssumed() {
        let purge = IncomingChange.event(ChangeEvent(purging: 4, plant: .potato, removing: 2, occurredAt: 1))
        let repair = IncomingChange.event(ChangeEvent(repaired: Image.make(id: 5, version: 9), plant: .potato, occurredAt: 1))
        let assumed = ReplicaApplier.assumedStates([
            Self.create(.potato, 1), Self.patch(.potato, 1, version: 2, cameraID: 1),
            Self.patch(.potato, 2, version: 7, cameraID: 1), Self.patch(.potato, 2, version: 9, cameraID: 1),
            Self.patch(.potato, 3, version: 1, cameraID: 1),
            Self.create(.potato, 4), purge,
            Self.patch(.potato, 5, version: 8, cameraID: 1), repair,
            .legacy(.potato, Image.make(id: 6)),
        ])
        #expect(assumed.count == 2)
        #expect(assumed[RecordKey(plant: .potato, imageID: 1)] == .some(nil))
        #expect(assumed[RecordKey(plant: .potato, imageID: 2)]??.version == 6)
    }

    static func create(_ plant: Plant, _ id: Int64) -> IncomingChange {
        .event(ChangeEvent(created: Image.make(id: id), plant: plant, occurredAt: 1))
    }

    static func patch(_ plant: Plant, _ id: Int64, version: Int64, cameraID: Int64) -> IncomingChange {
        .event(ChangeEvent(op: .update, plant: plant, imageID: id, version: version, occurredAt: 1,
                           payload: .patch(ImagePatch(cameraID: cameraID, updatedAt: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 + version)))))
    }

    static func sourced(_ changes: [IncomingChange]) -> [ReplicaApplier.Sourced] {
        changes.enumerated().map { offset, change in
            guard case .event(let event) = change else { preconditionFailure("events only") }
            let message = KafkaMessage(topic: "applier-\(change.plant.rawValue)", partition: 0, offset: Int64(offset), key: nil,
                                       value: event.envelope, headers: [], timestamp: nil)
            return ReplicaApplier.Sourced(change: change, message: HeldMessage(message))
        }
    }
}

/// The real store, counting the reads of record states the applier makes.
private final class ReadCountingReplica: ForwardingReplica, @unchecked Sendable {
    let statesRead = Mutex(0)

    override func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState] {
        if !ids.isEmpty { statesRead.withLock { $0 += 1 } }
        return try await store.replicaStates(plant: plant, ids: ids)
    }
}
