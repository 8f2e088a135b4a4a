import ImageModel
import ImageStores

/// A real store as the consumer's replica, everything passed through: tests override what they
/// watch.
class ForwardingReplica: ImageReplica, WaitingChanges, @unchecked Sendable {
    // @unchecked Sendable: subclasses keep their own state under a Mutex; `store` is Sendable.
    let store: any SyncableImageRepository

    init(_ store: any SyncableImageRepository) { self.store = store }

    var queuesWrites: Bool { store.queuesWrites }

    func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState] {
        try await store.replicaStates(plant: plant, ids: ids)
    }
    func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> ReplicaWriteResult {
        try await store.applyReplicaWrites(writes)
    }
    func park(waiting changes: [WaitingChange]) async throws(ImageError) { try await store.park(waiting: changes) }
    func waitingChanges(of records: [RecordKey]) async throws(ImageError) -> [WaitingChange] {
        try await store.waitingChanges(of: records)
    }
    func waitingChanges(before: Timestamp, limit: Int) async throws(ImageError) -> [WaitingChange] {
        try await store.waitingChanges(before: before, limit: limit)
    }
    func removeWaiting(_ keys: [WaitingKey]) async throws(ImageError) { try await store.removeWaiting(keys) }
    func waitingSummary() async throws(ImageError) -> ParkedSummary { try await store.waitingSummary() }
}
