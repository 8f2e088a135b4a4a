import ImageModel
import Testing

@Suite struct ReplicaPlanTests {
    let record = Image(id: 1, cameraID: 1, data: [1], gpsCoordinates: GPSCoordinates(latitude: 0, longitude: 0),
                       createdAt: Timestamp(millisecondsSinceEpoch: 1_000), updatedAt: Timestamp(millisecondsSinceEpoch: 1_000))

    func update(_ version: Int64, _ patch: ImagePatch, id: Int64 = 1) -> IncomingChange {
        .event(ChangeEvent(op: .update, plant: .potato, imageID: id, version: version, occurredAt: 0, payload: .patch(patch)))
    }

    func create(_ image: Image) -> IncomingChange {
        .event(ChangeEvent(created: image, plant: .potato, occurredAt: 0))
    }

    func at(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: ms) }

    @Test func aCreateAndItsUpdatesFoldIntoOneUpsert() {
        let plan = ReplicaPlan(changes: [
            create(record),
            update(2, ImagePatch(isActive: true, updatedAt: at(2_000))),
            update(3, ImagePatch(disease: "Healthy", updatedAt: at(3_000))),
        ], states: [:])
        #expect(plan.outcomes == [.applied, .applied, .applied])
        var expected = record
        expected.isActive = true
        expected.disease = "Healthy"
        expected.updatedAt = at(3_000)
        expected.version = 3
        #expect(plan.writes == [.upsert(.potato, expected)])
    }

    @Test func updatesOfAStoredRecordMergeIntoOnePatchAndStaleOnesAreSkipped() {
        let plan = ReplicaPlan(changes: [
            update(2, ImagePatch(isActive: true, updatedAt: at(2_000))),   // stored already
            update(4, ImagePatch(isActive: false, updatedAt: at(4_000))),
            update(5, ImagePatch(cameraID: 9, updatedAt: at(5_000))),
            update(5, ImagePatch(cameraID: 9, updatedAt: at(5_000))),      // redelivered
        ], states: [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]])
        #expect(plan.outcomes == [.stale, .applied, .applied, .stale])
        #expect(plan.writes == [.patch(.potato, imageID: 1, version: 5, ImagePatch(cameraID: 9, isActive: false, updatedAt: at(5_000)))])
    }

    func purge(_ version: Int64, id: Int64 = 1) -> IncomingChange {
        .event(ChangeEvent(purging: id, plant: .potato, removing: version, occurredAt: 0))
    }

    @Test func aPurgeRemovesExactlyTheVersionItNames() {
        let stored: [Plant: [Int64: ReplicaState]] = [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]]
        let plan = ReplicaPlan(changes: [purge(3)], states: stored)
        #expect(plan.outcomes == [.applied] && plan.writes == [.remove(.potato, imageID: 1, version: 3)])
        // The record changed since verify saw it, or is gone: it stays.
        for changes in [[purge(2)], [purge(4)], [update(4, ImagePatch(isActive: true, updatedAt: at(4_000))), purge(3)]] {
            let other = ReplicaPlan(changes: changes, states: stored)
            #expect(other.outcomes.last == .stale && !other.writes.contains { if case .remove = $0 { true } else { false } })
        }
        #expect(ReplicaPlan(changes: [purge(3)], states: [:]).outcomes == [.stale])
    }

    /// What follows a purge in the batch applies to no record: a create is written after the
    /// removal, an update waits.
    @Test func aCreateAfterAPurgeIsWrittenAfterTheRemoval() {
        let stored: [Plant: [Int64: ReplicaState]] = [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]]
        let plan = ReplicaPlan(changes: [purge(3), update(2, ImagePatch(isActive: true, updatedAt: at(2_000))), create(record)],
                               states: stored)
        var updated = record
        updated.isActive = true
        updated.updatedAt = at(2_000)
        updated.version = 2
        #expect(plan.outcomes == [.applied, .applied, .applied])
        #expect(plan.writes == [.remove(.potato, imageID: 1, version: 3), .upsert(.potato, updated)])
        // A purge of the version a create of the batch made takes the stored one with it.
        let again = ReplicaPlan(changes: [purge(3), create(record), purge(1)], states: stored)
        #expect(again.outcomes == [.applied, .applied, .applied] && again.writes == [.remove(.potato, imageID: 1, version: 3)])
    }

    @Test func aReplayedCreateOfAStoredRecordIsStale() {
        let plan = ReplicaPlan(changes: [create(record)], states: [.potato: [1: ReplicaState(version: 1, lastChangedAt: at(1_000))]])
        #expect(plan.outcomes == [.stale] && plan.writes.isEmpty)
    }

    func event(_ change: IncomingChange) -> ChangeEvent {
        guard case .event(let event) = change else { preconditionFailure("not an event") }
        return event
    }

    @Test func anUpdateOfAnUnknownRecordWaits() {
        let plan = ReplicaPlan(changes: [update(2, ImagePatch(isActive: true, updatedAt: at(2_000)), id: 42)], states: [:])
        #expect(plan.outcomes == [.waiting] && plan.writes.isEmpty && plan.resolved.isEmpty)
    }

    @Test func anUpdateBeforeItsCreateInOneBatchIsAppliedRightAfterIt() {
        let plan = ReplicaPlan(changes: [update(2, ImagePatch(disease: "Healthy", updatedAt: at(2_000))), create(record)], states: [:])
        #expect(plan.outcomes == [.applied, .applied])
        var expected = record
        expected.disease = "Healthy"
        expected.updatedAt = at(2_000)
        expected.version = 2
        #expect(plan.writes == [.upsert(.potato, expected)])
    }

    /// Version 2 waited in the DB; the create and version 3 arrive: 2 goes between them, so
    /// neither its change is lost nor 3 overwritten.
    @Test func aWaitingUpdateGoesBetweenItsCreateAndLaterUpdates() {
        let waiting = event(update(2, ImagePatch(disease: "Late Blight", updatedAt: at(2_000))))
        let plan = ReplicaPlan(changes: [create(record), update(3, ImagePatch(isActive: true, updatedAt: at(3_000)))],
                               states: [:], waiting: [waiting])
        #expect(plan.outcomes == [.applied, .applied])
        #expect(plan.resolved == [WaitingKey(waiting)])
        var expected = record
        expected.disease = "Late Blight"
        expected.isActive = true
        expected.updatedAt = at(3_000)
        expected.version = 3
        #expect(plan.writes == [.upsert(.potato, expected)])
    }

    @Test func waitingUpdatesOfAStoredRecordApplyOrAreStaleByVersion() {
        let newer = event(update(4, ImagePatch(cameraID: 7, updatedAt: at(4_000))))
        let older = event(update(2, ImagePatch(cameraID: 5, updatedAt: at(2_000))))
        let plan = ReplicaPlan(changes: [], states: [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]],
                               waiting: [newer, older])
        #expect(Set(plan.resolved) == [WaitingKey(newer), WaitingKey(older)])
        #expect(plan.writes == [.patch(.potato, imageID: 1, version: 4, ImagePatch(cameraID: 7, updatedAt: at(4_000)))])
    }

    @Test func aRedeliveredWaitingUpdateWaitsOnAndIsNotResolvedTwice() {
        let change = update(2, ImagePatch(isActive: true, updatedAt: at(2_000)))
        let waitingOnly = ReplicaPlan(changes: [change], states: [:], waiting: [event(change)])
        #expect(waitingOnly.outcomes == [.waiting] && waitingOnly.resolved.isEmpty && waitingOnly.writes.isEmpty)
        let arrived = ReplicaPlan(changes: [change, create(record)], states: [:], waiting: [event(change)])
        #expect(arrived.outcomes == [.applied, .applied] && arrived.resolved == [WaitingKey(event(change))])
        let twice = ReplicaPlan(changes: [change, change, create(record)], states: [:])
        #expect(twice.outcomes == [.stale, .applied, .applied] && twice.writes.count == 1)
    }

    /// Version 5 before 4: 5 waits, and goes right after 4 when 4 comes.
    @Test func anUpdateAfterAMissingVersionWaitsForIt() {
        let stored: [Plant: [Int64: ReplicaState]] = [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]]
        let five = update(5, ImagePatch(cameraID: 5, updatedAt: at(5_000)))
        let four = update(4, ImagePatch(disease: "Healthy", updatedAt: at(4_000)))
        let waiting = ReplicaPlan(changes: [five], states: stored)
        #expect(waiting.outcomes == [.waiting] && waiting.writes.isEmpty)
        let inOneBatch = ReplicaPlan(changes: [five, four], states: stored)
        #expect(inOneBatch.outcomes == [.applied, .applied])
        #expect(inOneBatch.writes == [.patch(.potato, imageID: 1, version: 5, ImagePatch(cameraID: 5, disease: "Healthy", updatedAt: at(5_000)))])
        let fromTheDB = ReplicaPlan(changes: [four], states: stored, waiting: [event(five)])
        #expect(fromTheDB.outcomes == [.applied] && fromTheDB.resolved == [WaitingKey(event(five))])
        #expect(fromTheDB.writes == inOneBatch.writes)
    }

    @Test func aGapInWaitingChangesStopsTheDrainThere() {
        let stored: [Plant: [Int64: ReplicaState]] = [.potato: [1: ReplicaState(version: 3, lastChangedAt: at(3_000))]]
        let four = event(update(4, ImagePatch(cameraID: 4, updatedAt: at(4_000))))
        let six = event(update(6, ImagePatch(cameraID: 6, updatedAt: at(6_000))))
        let plan = ReplicaPlan(changes: [], states: stored, waiting: [six, four])
        #expect(plan.resolved == [WaitingKey(four)])
        #expect(plan.writes == [.patch(.potato, imageID: 1, version: 4, ImagePatch(cameraID: 4, updatedAt: at(4_000)))])
    }

    @Test func legacyMessagesAreOrderedByUpdatedAt() {
        var newer = record
        newer.updatedAt = at(5_000)
        newer.isDeleted = true
        var older = record
        older.updatedAt = at(4_000)
        let plan = ReplicaPlan(changes: [.legacy(.potato, newer), .legacy(.potato, older), .legacy(.potato, newer)],
                               states: [.potato: [1: ReplicaState(version: 2, lastChangedAt: at(3_000))]])
        #expect(plan.outcomes == [.applied, .stale, .stale])
        var expected = newer
        expected.version = 3
        #expect(plan.writes == [.upsert(.potato, expected)])
    }

    @Test func recordsOfDifferentPlantsAndIdsStayApart() {
        let tomato = IncomingChange.event(ChangeEvent(created: record, plant: .tomato, occurredAt: 0))
        var second = record
        second.id = 2
        let plan = ReplicaPlan(changes: [create(record), tomato, create(second)], states: [:])
        #expect(plan.writes.count == 3 && plan.outcomes == [.applied, .applied, .applied])
        #expect(plan.writes.map(\.plant) == [.potato, .tomato, .potato])
    }
}
