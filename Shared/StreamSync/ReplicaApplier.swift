import ImageModel
import Kafka

/// Applies decoded changes to the consumer DB through the version guard: what the stream
/// consumer does with a batch and what a dead-letter replay does with the letters chosen.
///
/// An update or delete of a record the DB does not hold yet waits in the DB
/// (`WaitingChanges`) and is applied right after its record when that arrives. A write the DB
/// refuses for good is isolated by halving: only its record's changes are rejected.
struct ReplicaApplier: Sendable {
    let replica: any ImageReplica & WaitingChanges

    /// One change and the message it came in.
    struct Sourced: Sendable {
        let change: IncomingChange
        let message: KafkaMessage
    }

    /// Plans and applies `changes`; one outcome per change, in order. Safe to call again with
    /// the same changes after any failure (the caller retries transient ones): parking and
    /// every write are idempotent.
    /// - Parameter anyWaiting: whether changes may be waiting in the DB. When false, only a
    ///   record arriving for the first time looks for changes waiting for it (a change waiting
    ///   for a missing version is then found by `expire` at the latest).
    func apply(_ changes: [Sourced], now: Timestamp, anyWaiting: Bool = true) async throws -> [ChangeOutcome] {
        var states: [Plant: [Int64: ReplicaState]] = [:]
        var waiting: [WaitingKey: WaitingChange] = [:]
        for (plant, group) in Dictionary(grouping: changes, by: \.change.plant) {
            let found = try await replica.replicaStates(plant: plant, ids: group.map(\.change.imageID))
            states[plant] = found
            let releasing = anyWaiting ? Set(group.map(\.change.imageID))
                : Set(group.filter { found[$0.change.imageID] == nil && $0.change.carriesRecord }.map(\.change.imageID))
            for change in try await replica.waitingChanges(plant: plant, ids: Array(releasing)) {
                waiting[WaitingKey(change)] = change
            }
        }
        let plan = ReplicaPlan(changes: changes.map(\.change), states: states,
                               waiting: waiting.values.compactMap { try? $0.event() })
        try await replica.park(waiting: zip(changes, plan.outcomes).compactMap { sourced, outcome in
            outcome == .waiting ? sourced.waitingChange(since: now) : nil
        })
        let refused = try await applyRemovingResolved(plan)
        return zip(changes, plan.outcomes).map { sourced, outcome in
            guard outcome == .applied, let reason = refused[RecordKey(sourced.change)] else { return outcome }
            return .rejected("the consumer DB refused the write: \(reason)")
        }
    }

    /// Settles up to `limit` changes that have waited since before `deadline`, of the
    /// partitions `owns` accepts: one whose predecessor is in the DB by now (a crash between a
    /// write and the removal of what waited for it, or a change waiting on another consumer
    /// before a rebalance) is applied or found stale; the others are returned with why they are
    /// dead letters, given the version the DB holds (nil: no record). The caller dead-letters
    /// them, then removes them.
    func expire(before deadline: Timestamp, limit: Int, owns: (String, Int32) -> Bool,
                reason: (WaitingChange, Int64?) -> String) async throws -> [(WaitingChange, String)] {
        let expired = try await replica.waitingChanges(before: deadline, limit: limit).filter { owns($0.topic, $0.partition) }
        var events: [WaitingKey: ChangeEvent] = [:]
        var dead: [(WaitingChange, String)] = []
        for change in expired {
            do throws(ImageError) {
                events[WaitingKey(change)] = try change.event()
            } catch {
                dead.append((change, "a waiting change that no longer decodes: \(error.message)"))
            }
        }
        var states: [Plant: [Int64: ReplicaState]] = [:]
        for (plant, keys) in Dictionary(grouping: events.keys, by: \.plant) {
            states[plant] = try await replica.replicaStates(plant: plant, ids: keys.map(\.imageID))
        }
        let plan = ReplicaPlan(changes: [], states: states, waiting: Array(events.values))
        let refused = try await applyRemovingResolved(plan)
        let settled = Set(plan.resolved)
        for change in expired where events[WaitingKey(change)] != nil && !settled.contains(WaitingKey(change)) {
            dead.append((change, reason(change, states[change.plant]?[change.imageID]?.version)))
        }
        for change in expired {
            if let why = refused[RecordKey(plant: change.plant, imageID: change.imageID)] {
                dead.append((change, "the consumer DB refused the write: \(why)"))
            }
        }
        return dead
    }

    /// Applies the plan's writes, then removes the waiting changes it resolved; one folded into
    /// a refused write waits on, and its expiry reports it. Returns the refused records.
    private func applyRemovingResolved(_ plan: ReplicaPlan) async throws -> [RecordKey: String] {
        let refused = try await replica.applyIsolatingRefusals(plan.writes[...])
        try await replica.removeWaiting(plan.resolved.filter { refused[RecordKey(plant: $0.plant, imageID: $0.imageID)] == nil })
        return refused
    }
}

extension ImageReplica {
    /// Applies `writes`. When the database refuses the data for good (a constraint, a type, a
    /// size), halves them until the refused writes are alone, applies every other, and returns
    /// the refused records with the database's reason. A transient error propagates: the caller
    /// retries the whole batch, which the version guard makes harmless.
    func applyIsolatingRefusals(_ writes: ArraySlice<ReplicaWrite>) async throws -> [RecordKey: String] {
        guard !writes.isEmpty else { return [:] }
        do throws(ImageError) {
            try await applyReplicaWrites(Array(writes))
            return [:]
        } catch {
            guard error.code == .storeRejected else { throw error }
            guard writes.count > 1 else { return [RecordKey(writes[writes.startIndex]): error.message] }
            let middle = writes.startIndex + writes.count / 2
            let first = try await applyIsolatingRefusals(writes[..<middle])
            return first.merging(try await applyIsolatingRefusals(writes[middle...])) { reason, _ in reason }
        }
    }
}

extension IncomingChange {
    /// True for a create or a LIMS legacy message: the whole record.
    var carriesRecord: Bool {
        switch self {
        case .event(let event):
            if case .record = event.payload { true } else { false }
        case .legacy: true
        }
    }
}

extension ReplicaApplier.Sourced {
    func waitingChange(since: Timestamp) -> WaitingChange? {
        guard case .event(let event) = change, let value = message.value else { return nil }
        return WaitingChange(plant: event.plant, imageID: event.imageID, version: event.version, topic: message.topic,
                             partition: message.partition, offset: message.offset, key: message.key, message: value,
                             waitingSince: since)
    }
}

extension WaitingChange {
    /// The message it came in, for its dead letter.
    var kafkaMessage: KafkaMessage {
        KafkaMessage(topic: topic, partition: partition, offset: offset, key: key, value: message, headers: [], timestamp: nil)
    }
}
