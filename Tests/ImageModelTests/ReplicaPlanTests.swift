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

    @Test func aReplayedCreateOfAStoredRecordIsStale() {
        let plan = ReplicaPlan(changes: [create(record)], states: [.potato: [1: ReplicaState(version: 1, lastChangedAt: at(1_000))]])
        #expect(plan.outcomes == [.stale] && plan.writes.isEmpty)
    }

    @Test func anUpdateOfAnUnknownRecordIsRejected() {
        let plan = ReplicaPlan(changes: [update(2, ImagePatch(isActive: true, updatedAt: at(2_000)), id: 42)], states: [:])
        guard case .rejected(let reason) = plan.outcomes.first else { Issue.record("not rejected: \(plan.outcomes)"); return }
        #expect(reason.contains("42") && plan.writes.isEmpty)
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
