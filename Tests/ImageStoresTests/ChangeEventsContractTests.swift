import ImageModel
import ImageStores
import TestSupport
import Testing

/// Every store as either end of the stream sync, one contract: the outbox its changes fill
/// (`ChangeOutbox`, the producer DB) and its guarded replica writes (`ImageReplica`, the
/// consumer DB). Each test runs against the real PostgreSQL and the real MongoDB-compatible
/// server, in a namespace of its own. What only one store does is in `PostgresChangeEventsTests`
/// and `MongoChangeEventsTests`.
@Suite struct ChangeEventsContractTests {
    static let stores = TestStore.allCases
    static let now = ChangeEventFixtures.now
    static let later = ChangeEventFixtures.later
    static let gps = ChangeEventFixtures.gps

    // MARK: - Outbox

    @Test(arguments: stores) func eachChangeWritesOneEntryWhoseEnvelopeDecodesToTheChange(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let before = Timestamp.currentMicroseconds()
            let (created, updated, deleted) = try await ChangeEventFixtures.createUpdateAndDelete(in: repository)
            let after = Timestamp.currentMicroseconds()

            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.map(\.op) == [.create, .update, .delete])
            #expect(entries.map(\.version) == [1, 2, 3])
            #expect(entries.allSatisfy { $0.plant == .potato && $0.imageID == created.id })
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.allSatisfy { (before...after).contains($0.occurredAt) })
            #expect(events.map(\.occurredAt) == events.map(\.occurredAt).sorted())
            #expect(events == [
                ChangeEvent(created: created, plant: .potato, occurredAt: events[0].occurredAt),
                ChangeEvent(changed: [.disease, .isActive], of: updated, plant: .potato, occurredAt: events[1].occurredAt),
                ChangeEvent(changed: [.isDeleted], of: deleted, plant: .potato, occurredAt: events[2].occurredAt),
            ])
            #expect(try await repository.pendingChangeCount() == 3)
        }
    }

    @Test(arguments: stores) func nothingIsWrittenWithoutTheFlagOrWithoutAChange(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: false) { repository in
            let created = try await ChangeEventFixtures.createUpdateAndDeleteWithoutEvents(in: repository)
            #expect(try await repository.image(plant: .tomato, id: created.id)?.version == 3)
            #expect(try await repository.pendingChangeCount() == 0)
            #expect(try await repository.pendingChanges(limit: 10).isEmpty)
        }
        try await store.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, cameraID: 4, isDeleted: true)])
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 1, cameraID: 4, isActive: false), at: Self.later)?.version == 1)
            #expect(try await repository.softDelete(plant: .tomato, id: 1, at: Self.later)?.version == 1)
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 2, cameraID: 5), at: Self.later) == nil)
            #expect(try await repository.softDelete(plant: .tomato, id: 2, at: Self.later) == nil)
            #expect(try await repository.pendingChangeCount() == 0)
            #expect(try await repository.pendingChanges(limit: 10).isEmpty)
        }
    }

    /// The relay's read is bounded by bytes too: 500 creates with the largest JPEG would be
    /// 500 MB. Oldest first, the first event always, whatever its size.
    @Test(arguments: stores) func aPageOfPendingEventsEndsAtItsByteBudget(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            for (index, plant) in [Plant.potato, .tomato, .pepper, .potato, .tomato].enumerated() {
                _ = try await repository.create(plant: plant, NewImage(cameraID: Int64(index + 1), gpsCoordinates: Self.gps,
                                                                       data: Array(repeating: 0xAB, count: 10_000)), at: Self.now)
            }
            let all = try await repository.pendingChanges(limit: 10)
            // Schema 2: the JPEG's 10,000 bytes after the JSON.
            #expect(all.count == 5 && all.map { $0.envelope.count }.allSatisfy { (10_000..<11_000).contains($0) })
            let page = try await repository.pendingChanges(limit: 10, maxBytes: 15_000)
            #expect(page == Array(all.prefix(2)))
            #expect(try await repository.pendingChanges(limit: 10, maxBytes: 1) == Array(all.prefix(1)))
            #expect(try await repository.pendingChanges(limit: 3, maxBytes: .max) == Array(all.prefix(3)))
        }
    }

    /// Relays of several replicas divide the outbox by record: a record one holds is invisible
    /// to the others, with all its versions, until released or its lease ends.
    @Test(arguments: stores) func claimantsDivideTheOutboxByRecord(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let first = try await repository.create(plant: .potato, NewImage(cameraID: 1, gpsCoordinates: Self.gps, data: [0xFF]), at: Self.now)
            for plant in [Plant.tomato, .pepper, .potato] {
                _ = try await repository.create(plant: plant, NewImage(cameraID: 2, gpsCoordinates: Self.gps, data: [0xFF]), at: Self.now)
            }
            _ = try await repository.update(plant: .potato, ImageUpdate(id: first.id, cameraID: 9), at: Self.later)
            let all = try await repository.pendingChanges(limit: 100)
            #expect(all.count == 5)
            func key(_ entry: OutboxEntry) -> String { "\(entry.plant.rawValue)/\(entry.imageID)" }

            let a = OutboxClaimant(id: "relay-a", lease: .seconds(60))
            let b = OutboxClaimant(id: "relay-b", lease: .seconds(60))
            let ofA = try await repository.pendingChanges(limit: 1, maxBytes: .max, claimant: a)
            #expect(ofA.map(key) == ["potato/\(first.id)"] && ofA.first?.version == 1)
            let ofB = try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: b)
            #expect(ofB.count == 3 && Set(ofB.map(key)).isDisjoint(with: ofA.map(key)), "B never sees A's record, not even version 2")
            // A's own claim does not hide the record from A.
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: a).map(\.version) == [1, 2])
            try await repository.releaseClaims(of: a)
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: b).count == 5)
            try await repository.releaseClaims(of: b)

            // A relay that died: its lease ends and another takes its records.
            let dead = OutboxClaimant(id: "relay-dead", lease: .milliseconds(1))
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: dead).count == 5)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: a).count == 5)
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: b).isEmpty)
            // Publishing and releasing leaves nothing claimed or pending.
            try await repository.removePublished(all)
            try await repository.releaseClaims(of: a)
            #expect(try await repository.pendingChanges(limit: 100, maxBytes: .max, claimant: b).isEmpty)
            #expect(try await repository.pendingChangeCount() == 0)
        }
    }

    @Test(arguments: stores) func eachRecordsEntriesComeInVersionOrderAcrossPlants(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let entries = try await ChangeEventFixtures.interleavedChanges(in: repository)
            let count = ChangeEventFixtures.interleaved.count
            #expect(entries.count == count)
            let keys = entries.map { "\($0.plant.rawValue)-\($0.imageID)" }
            for key in ["potato-1", "potato-2", "tomato-1"] {
                let versions = entries.filter { "\($0.plant.rawValue)-\($0.imageID)" == key }.map(\.version)
                #expect(versions == Array(2...Int64(versions.count + 1)), "\(key)")
            }
            // Records in the order of their first pending change.
            #expect(keys.firstIndex(of: "potato-2")! < keys.firstIndex(of: "potato-1")!)
            #expect(keys.firstIndex(of: "potato-1")! < keys.firstIndex(of: "tomato-1")!)
            #expect(try await repository.pendingChanges(limit: 2) == Array(entries.prefix(2)))
            #expect(try await repository.pendingChanges(limit: 0).isEmpty)
            #expect(try await repository.pendingChangeCount() == Int64(count))
        }
    }

    @Test(arguments: stores) func parkedEventsHoldBackTheirRecordUntilRetriedInVersionOrder(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let entries = try await ChangeEventFixtures.twoChangesOfTwoRecords(in: repository)
            let entry = { (key: String) in try #require(entries.first { $0.shortKey == key }) }
            try await repository.park([try entry("1-2")], reason: "too large", attempts: 1, onlyBehindParked: false)
            // Record 1's later event is marked as waiting; record 2 flows.
            let pending = try await repository.pendingChanges(limit: 10)
            #expect(pending.map(\.shortKey) == ["1-3", "2-2", "2-3"] || pending.map(\.shortKey) == ["2-2", "1-3", "2-3"])
            #expect(pending.filter(\.isBehindParked).map(\.shortKey) == ["1-3"])
            // Behind-parking moves only while an earlier event is parked.
            try await repository.park([try entry("1-3"), try entry("2-2")], reason: "waiting", attempts: 0, onlyBehindParked: true)
            #expect(try await repository.pendingChanges(limit: 10).map(\.shortKey).sorted() == ["2-2", "2-3"])
            let parked = try await repository.parkedEvents(.all, limit: 10)
            #expect(parked.map(\.entry.shortKey) == ["1-2", "1-3"])
            #expect(parked.map(\.reason) == ["too large", "waiting"] && parked.map(\.attempts) == [1, 0])
            #expect(parked[0].entry.envelope == (try entry("1-2")).envelope)
            #expect(parked.allSatisfy { abs(Timestamp.now().millisecondsSinceEpoch - $0.parkedAt.millisecondsSinceEpoch) < 60_000 })
            let summary = try await repository.parkedSummary()
            #expect(summary.count == 2 && summary.oldest != nil)
            #expect(try await repository.parkedEvents(ParkedFilter(plant: .tomato), limit: 10).isEmpty)

            // A change made while parked is pending behind; a retry puts all of record 1 back in
            // version order, ahead of nothing newer.
            _ = try await repository.update(plant: .potato, ImageUpdate(id: 1, cameraID: 9), at: Self.later)
            #expect(try await repository.retryParked(ParkedFilter(plant: .potato, imageID: 2)) == 0)
            #expect(try await repository.retryParked(ParkedFilter(plant: .potato, imageID: 1)) == 2)
            let retried = try await repository.pendingChanges(limit: 10)
            #expect(retried.filter { $0.imageID == 1 }.map(\.version) == [2, 3, 4])
            #expect(retried.allSatisfy { !$0.isBehindParked } && retried.count == 5)
            #expect(try await repository.parkedSummary() == ParkedSummary(count: 0, oldest: nil))

            // Discard deletes only what is parked.
            try await repository.park([try entry("2-2")], reason: "invalid", attempts: 3, onlyBehindParked: false)
            #expect(try await repository.discardParked(ParkedFilter(plant: .tomato)) == 0)
            #expect(try await repository.discardParked(.all) == 1)
            #expect(try await repository.parkedEvents(.all, limit: 10).isEmpty)
            #expect(try await repository.pendingChangeCount() == 4)
        }
    }

    @Test(arguments: stores) func removePublishedRemovesOnlyTheGivenEntries(store: TestStore) async throws {
        try await store.withRepository(writesChangeEvents: true) { repository in
            let entries = try await ChangeEventFixtures.twoChangesOfTwoRecords(in: repository)
            #expect(entries.map(\.shortKey).sorted() == ["1-2", "1-3", "2-2", "2-3"])
            let entry = { (key: String) in try #require(entries.first { $0.shortKey == key }) }

            // The first of each record's entries: what is left keeps its order.
            let firsts = [try entry("1-2"), try entry("2-2")]
            try await repository.removePublished(firsts)
            #expect(try await repository.pendingChanges(limit: 10) == entries.filter { !firsts.contains($0) })
            #expect(try await repository.pendingChangeCount() == 2)

            // The last of record 1's; already removed, or never there: ignored.
            let unknown = OutboxEntry(plant: .tomato, imageID: 1, version: 2, op: .update, envelope: [])
            try await repository.removePublished([try entry("1-3"), unknown] + firsts)
            try await repository.removePublished([])
            #expect(try await repository.pendingChanges(limit: 10) == [try entry("2-3")])
            #expect(try await repository.pendingChangeCount() == 1)

            // A change after its record's outbox emptied makes it pending again.
            _ = try await repository.update(plant: .potato, ImageUpdate(id: 1, cameraID: 9), at: Self.later)
            #expect(try await repository.pendingChanges(limit: 10).map(\.shortKey).sorted() == ["1-4", "2-3"])
            try await repository.removeAll()
            #expect(try await repository.pendingChangeCount() == 0)
        }
    }

    @Test(arguments: stores) func concurrentUpdatesOfOneRecordWriteEachVersionOnceInOrder(store: TestStore) async throws {
        let updates = 40
        // Two processes on the same database race each other.
        try await withTwoEventWritingRepositories(store) { repository, other in
            try await repository.insert(plant: .tomato, [Image.make(id: 7, cameraID: 1)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...(updates + 1) {
                    let writer = camera % 2 == 0 ? repository : other
                    group.addTask {
                        _ = try await writer.update(plant: .tomato, ImageUpdate(id: 7, cameraID: Int64(camera)), at: Self.later)
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await repository.pendingChanges(limit: 1_000)
            #expect(entries.map(\.version) == Array(2...Int64(updates + 1)))
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.map(\.version) == entries.map(\.version))
            // Each event carries the camera its own update set; together, every camera once.
            let cameras = events.compactMap { event -> Int64? in
                guard case .patch(let patch) = event.payload else { return nil }
                return patch[.cameraID]?.integer
            }
            #expect(Set(cameras) == Set(2...Int64(updates + 1)) && cameras.count == updates)
            #expect(try await repository.image(plant: .tomato, id: 7)?.cameraID == cameras.last)
        }
    }

    // MARK: - Replica

    @Test(arguments: stores) func upsertWritesEveryFieldOfANewOrOlderRecordOnly(store: TestStore) async throws {
        // `throws`: every `try` of this body is inside `#expect`, which closure inference misses.
        try await store.withRepository { repository throws in
            let stored = Image.make(id: 5, data: [1, 2, 3], disease: "Healthy", percentage: 0.25, version: 3)
            #expect(try await repository.applyReplicaWrites([.upsert(.potato, stored)]).changed == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == stored)

            let other = Image.make(id: 5, cameraID: 9, data: [9], isActive: true, createdAt: Self.later, updatedAt: .some(nil))
            for version: Int64 in [2, 3] {
                var older = other
                older.version = version
                #expect(try await repository.applyReplicaWrites([.upsert(.potato, older)]).changed == 0)
            }
            #expect(try await repository.image(plant: .potato, id: 5) == stored)
            #expect(try await repository.total(plant: .potato) == 1)

            var newer = other
            newer.version = 4
            #expect(try await repository.applyReplicaWrites([.upsert(.potato, newer)]).changed == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == newer)
            #expect(try await repository.image(plant: .tomato, id: 5) == nil)
        }
    }

    /// Two writers insert the same new records (two consumers around a rebalance, or a
    /// consumer and the batch sync on one database): whichever insert wins, the newer version
    /// is what stays. One at a time per id, 1,000 ids, so every pair really races.
    @Test(arguments: stores) func racingUpsertsOfNewRecordsKeepTheNewerVersion(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for version: Int64 in [1, 2] {
                    group.addTask {
                        for id: Int64 in 1...1000 {
                            try await repository.applyReplicaWrites([.upsert(.potato, Image.make(id: id, cameraID: version, version: version))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let states = try await repository.replicaStates(plant: .potato, ids: Array(1...1000))
            let older = states.filter { $0.value.version != 2 }.keys.sorted()
            #expect(states.count == 1000 && older.isEmpty, "ids left at version 1: \(older.prefix(20))")
        }
    }

    @Test(arguments: stores) func waitingChangesAreKeptOnceFoundByRecordOrAgeAndRemoved(store: TestStore) async throws {
        try await store.withRepository { repository in
            func waiting(_ id: Int64, _ version: Int64, since millis: Int64, plant: Plant = .potato) -> WaitingChange {
                WaitingChange(plant: plant, imageID: id, version: version, topic: "t-\(plant.rawValue)", partition: 2, offset: id * 10 + version,
                              key: version == 3 ? nil : Array("\(id)".utf8), message: Array("{\"v\":\(version)}".utf8),
                              waitingSince: Timestamp(millisecondsSinceEpoch: millis))
            }
            let first = [waiting(7, 2, since: 1_000), waiting(7, 3, since: 2_000), waiting(8, 2, since: 3_000), waiting(7, 2, since: 500, plant: .tomato)]
            try await repository.park(waiting: first)
            // A redelivery keeps the first time.
            try await repository.park(waiting: [waiting(7, 2, since: 9_000)])
            #expect(try await repository.waitingSummary() == ParkedSummary(count: 4, oldest: Timestamp(millisecondsSinceEpoch: 500)))
            let ofSeven = try await repository.waitingChanges(of: [7, 9].map { RecordKey(plant: .potato, imageID: $0) }).sorted { $0.version < $1.version }
            #expect(ofSeven == [first[0], first[1]])
            // Several plants in one lookup: each id is of its own plant only.
            let across = try await repository.waitingChanges(of: [RecordKey(plant: .tomato, imageID: 7), RecordKey(plant: .potato, imageID: 8),
                                                                  RecordKey(plant: .pepper, imageID: 7)])
            #expect(Set(across.map(WaitingKey.init)) == [WaitingKey(first[3]), WaitingKey(first[2])])
            #expect(try await repository.waitingChanges(of: []).isEmpty)
            let expired = try await repository.waitingChanges(before: Timestamp(millisecondsSinceEpoch: 3_000), limit: 2)
            #expect(expired == [first[3], first[0]])
            try await repository.removeWaiting([WaitingKey(first[0]), WaitingKey(first[3]), WaitingKey(plant: .pepper, imageID: 1, version: 1)])
            #expect(try await repository.waitingSummary() == ParkedSummary(count: 2, oldest: Timestamp(millisecondsSinceEpoch: 2_000)))
            try await repository.removeAll()
            #expect(try await repository.waitingSummary() == ParkedSummary(count: 0, oldest: nil))
        }
    }

    @Test(arguments: stores) func patchSetsOnlyItsFieldsAndTheVersionOfAnOlderRecord(store: TestStore) async throws {
        try await store.withRepository { repository in
            let first = Image.make(id: 1, cameraID: 1, data: [1], disease: "Healthy", percentage: 0.5, version: 2)
            let second = Image.make(id: 2, cameraID: 2, data: [2], version: 1)
            try await repository.insert(plant: .pepper, [first, second])
            // The first patch leaves most fields unset; the second sets them (in PostgreSQL, the
            // VALUES list's types must not come from the first row's NULLs).
            let onlyActive = ImagePatch(isActive: true, updatedAt: Self.later)
            let everything = ImagePatch(cameraID: 8, gpsCoordinates: GPSCoordinates(latitude: -1.5, longitude: 2.75),
                                        disease: "Bacterial Spot", percentage: 0.75, isActive: true, isDeleted: true,
                                        updatedAt: Self.later)
            let changed = try await repository.applyReplicaWrites([
                .patch(.pepper, imageID: 1, version: 3, onlyActive),
                .patch(.pepper, imageID: 2, version: 5, everything),
            ]).changed
            #expect(changed == 2)
            #expect(try await repository.image(plant: .pepper, id: 1) == first.patched(onlyActive, version: 3))
            #expect(try await repository.image(plant: .pepper, id: 2) == second.patched(everything, version: 5))
            #expect(try await repository.image(plant: .pepper, id: 2)?.data == [2])
            #expect(try await repository.image(plant: .pepper, id: 2)?.createdAt == second.createdAt)
        }
    }

    @Test(arguments: stores) func stalePatchesAndPatchesOfMissingRecordsChangeNothing(store: TestStore) async throws {
        try await store.withRepository { repository in
            let stored = Image.make(id: 1, cameraID: 1, version: 4)
            try await repository.insert(plant: .potato, [stored])
            let patch = ImagePatch(cameraID: 2, isDeleted: true, updatedAt: Self.later)
            let changed = try await repository.applyReplicaWrites([
                .patch(.potato, imageID: 1, version: 4, patch),
                .patch(.potato, imageID: 2, version: 9, patch),
                .patch(.tomato, imageID: 1, version: 9, patch),
            ]).changed
            #expect(changed == 0)
            #expect(try await repository.applyReplicaWrites([.patch(.potato, imageID: 1, version: 3, patch)]).changed == 0)
            #expect(try await repository.applyReplicaWrites([]).changed == 0)
            #expect(try await repository.image(plant: .potato, id: 1) == stored)
            #expect(try await repository.total(plant: .potato) == 1)
            #expect(try await repository.total(plant: .tomato) == 0)
        }
    }

    /// An insert assumes no record, a patch with a base the record at that version: each
    /// happens only then, and a write that did not is named, whatever else its bulk did.
    @Test(arguments: stores) func assumedWritesHappenOnlyWhenTheirAssumptionHolds(store: TestStore) async throws {
        try await store.withRepository { repository in
            let held = Image.make(id: 1, cameraID: 1, version: 4)
            try await repository.insert(plant: .potato, [held])
            let patch = ImagePatch(cameraID: 2, updatedAt: Self.later)
            let first = try await repository.applyReplicaWrites([
                .insert(.potato, Image.make(id: 1, cameraID: 9)), .insert(.potato, Image.make(id: 2, cameraID: 9)),
                .insert(.tomato, Image.make(id: 1, cameraID: 9)),
            ])
            let key = { (plant: Plant, id: Int64) in RecordKey(plant: plant, imageID: id) }
            #expect(first == ReplicaWriteResult(changed: 2, unapplied: [key(.potato, 1)]))
            #expect(try await repository.image(plant: .potato, id: 1) == held)
            // Behind, ahead, absent: none applies, and the store says so.
            for base: Int64 in [3, 5] {
                let missed = try await repository.applyReplicaWrites([
                    .patch(.potato, imageID: 1, version: base + 1, patch, base: base), .patch(.potato, imageID: 3, version: 2, patch, base: 1),
                    .patch(.pepper, imageID: 1, version: 2, patch, base: 1),
                ])
                #expect(missed == ReplicaWriteResult(unapplied: [key(.potato, 1), key(.potato, 3), key(.pepper, 1)]))
            }
            // One that holds beside one that does not: applied; which one missed is named, or
            // (a store that counts matches per bulk) both are unconfirmed.
            let mixed = try await repository.applyReplicaWrites([
                .patch(.potato, imageID: 1, version: 5, patch, base: 4), .patch(.potato, imageID: 2, version: 3, patch, base: 7),
            ])
            #expect(mixed.changed == 1)
            #expect(mixed.unapplied == [key(.potato, 2)] && mixed.unconfirmed.isEmpty
                || mixed.unapplied.isEmpty && mixed.unconfirmed == [key(.potato, 1), key(.potato, 2)])
            #expect(try await repository.image(plant: .potato, id: 1) == held.patched(patch, version: 5))
            #expect(try await repository.image(plant: .potato, id: 2) == Image.make(id: 2, cameraID: 9))
        }
    }

    @Test(arguments: stores) func statesAreReturnedForExistingIDsOfThePlantOnly(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .tomato, [
                Image.make(id: 1, updatedAt: .some(nil), version: 1),
                Image.make(id: 2, updatedAt: Self.later, version: 6),
            ])
            try await repository.insert(plant: .potato, [Image.make(id: 3)])
            let states = try await repository.replicaStates(plant: .tomato, ids: [1, 2, 3, 99])
            #expect(states == [
                1: ReplicaState(version: 1, lastChangedAt: Image.make(id: 1).createdAt),
                2: ReplicaState(version: 6, lastChangedAt: Self.later),
            ])
            #expect(try await repository.replicaStates(plant: .tomato, ids: []).isEmpty)
            #expect(try await repository.replicaStates(plant: .pepper, ids: [1, 2]).isEmpty)
        }
    }

    @Test(arguments: stores) func aBatchOfAThousandPatchesAndAHundredUpsertsIsOneCall(store: TestStore) async throws {
        try await store.withRepository { repository in
            try await repository.insert(plant: .potato, (1...1_000).map { Image.make(id: Int64($0), cameraID: 1) })
            let patches = (1...1_000).map { id in
                ReplicaWrite.patch(.potato, imageID: Int64(id), version: 2,
                                   ImagePatch(cameraID: Int64(id) + 1, percentage: id % 2 == 0 ? 0.5 : nil, updatedAt: Self.later))
            }
            let upserts = (1_001...1_100).map { ReplicaWrite.upsert(.potato, Image.make(id: Int64($0), cameraID: 7, version: 3)) }
            let pepper = ReplicaWrite.upsert(.pepper, Image.make(id: 1, version: 2))
            #expect(try await repository.applyReplicaWrites(upserts + patches + [pepper]).changed == 1_101)
            let all = try await repository.list(plant: .potato, fromID: 1, limit: 2_000, filter: ImageFilter())
            #expect(all.total == 1_100)
            #expect(all.images.prefix(1_000).allSatisfy { image in
                image.version == 2 && image.cameraID == image.id + 1 && image.updatedAt == Self.later
                    && image.percentage == (image.id % 2 == 0 ? 0.5 : nil)
            })
            #expect(all.images.suffix(100).allSatisfy { $0.version == 3 && $0.cameraID == 7 })
            #expect(try await repository.total(plant: .pepper) == 1)
            // The same batch again is a redelivery: nothing changes.
            #expect(try await repository.applyReplicaWrites(upserts + patches + [pepper]).changed == 0)
            #expect(try await repository.total(plant: .potato) == 1_100)
        }
    }

    // MARK: - Fixture

    /// Runs `body` with two event-writing repositories (as two processes would have) on one
    /// new, migrated namespace.
    private func withTwoEventWritingRepositories(
        _ store: TestStore, _ body: (any SyncableImageRepository, any SyncableImageRepository) async throws -> Void
    ) async throws {
        try await store.withFreshURL { url, _ in
            let repository = try TestStore.client(url: url, writesChangeEvents: true, logger: TestStore.logger)
            let other = try TestStore.client(url: url, writesChangeEvents: true, logger: TestStore.logger)
            do {
                try await repository.migrate()
                try await body(repository, other)
            } catch {
                await other.close()
                await repository.close()
                throw error
            }
            await other.close()
            await repository.close()
        }
    }
}

/// What the change-event tests of every store share: their times and places, and the changes
/// they make.
enum ChangeEventFixtures {
    static let now = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123)
    static let later = Timestamp(millisecondsSinceEpoch: 1_696_779_599_456)
    static let gps = GPSCoordinates(latitude: 48.5, longitude: 16.25)

    /// Creates a potato image, updates it and soft-deletes it: three changes, three events.
    static func createUpdateAndDelete(in repository: any ImageRepository) async throws -> (Image, Image, Image) {
        let created = try await repository.create(plant: .potato, NewImage(cameraID: 3, gpsCoordinates: gps, data: [0xFF, 0xD8, 7]),
                                                  at: now)
        let updated = try #require(try await repository.update(plant: .potato, ImageUpdate(id: created.id, disease: "Late Blight",
                                                                                             isActive: true), at: later))
        let deleted = try #require(try await repository.softDelete(plant: .potato, id: created.id, at: later))
        return (created, updated, deleted)
    }

    /// Creates a tomato image, updates it and soft-deletes it (for a repository writing no events).
    static func createUpdateAndDeleteWithoutEvents(in repository: any ImageRepository) async throws -> Image {
        let created = try await repository.create(plant: .tomato, NewImage(cameraID: 1, gpsCoordinates: gps, data: [1]), at: now)
        _ = try await repository.update(plant: .tomato, ImageUpdate(id: created.id, cameraID: 2), at: later)
        _ = try await repository.softDelete(plant: .tomato, id: created.id, at: later)
        return created
    }

    /// The records `interleavedChanges` updates, in turn.
    static let interleaved: [(Plant, Int64)] = [(.potato, 2), (.potato, 1), (.tomato, 1), (.potato, 2), (.potato, 1), (.potato, 2)]

    /// Inserts potato 1 and 2 and tomato 1, updates them in the order of `interleaved`, and
    /// returns the pending entries.
    static func interleavedChanges(in repository: any SyncableImageRepository) async throws -> [OutboxEntry] {
        try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
        try await repository.insert(plant: .tomato, [Image.make(id: 1)])
        for (index, (plant, id)) in interleaved.enumerated() {
            _ = try await repository.update(plant: plant, ImageUpdate(id: id, cameraID: Int64(index + 10)), at: later)
        }
        return try await repository.pendingChanges(limit: 100)
    }

    /// Inserts potato 1 and 2, updates each twice (1, 2, 1, 2), and returns the pending
    /// entries: versions 2 and 3 of each.
    static func twoChangesOfTwoRecords(in repository: any SyncableImageRepository) async throws -> [OutboxEntry] {
        try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
        for camera in 2...3 {
            for id in 1...2 {
                _ = try await repository.update(plant: .potato, ImageUpdate(id: Int64(id), cameraID: Int64(camera)), at: later)
            }
        }
        return try await repository.pendingChanges(limit: 10)
    }
}

extension OutboxEntry {
    /// `imageID-version`, for the tests' readable comparisons.
    var shortKey: String { "\(imageID)-\(version)" }
}
