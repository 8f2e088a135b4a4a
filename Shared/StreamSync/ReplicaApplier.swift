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
        let message: HeldMessage
    }

    /// Plans and applies `changes`; one outcome per change, in order. Safe to call again with
    /// the same changes after any failure (the caller retries transient ones): parking and
    /// every write are idempotent.
    ///
    /// While no change waits (`anyWaiting` false), the common batch costs one write, without
    /// reading stored versions or waiting changes: a record whose changes in the batch are a
    /// create and patches is assumed absent, one whose changes are patches is assumed at the
    /// version before the first, and their writes happen only if that holds
    /// (`ReplicaWrite.insert`, a patch's `base`). Only the records the write could not confirm
    /// are read, and their changes planned again.
    /// - Parameter anyWaiting: whether changes may be waiting in the DB. When false, no waiting
    ///   change is looked for: one another consumer parked since the last check (a rebalance
    ///   racing a batch) is applied by the next `settle`, as soon as what it waits for is there.
    func apply(_ changes: [Sourced], now: Timestamp, anyWaiting: Bool = true) async throws -> [ChangeOutcome] {
        let incoming = changes.map(\.change)
        let assumed = anyWaiting ? [:] : Self.assumedStates(incoming)
        var states: [Plant: [Int64: ReplicaState]] = [:]
        var releasing: Set<RecordKey> = []
        for (plant, group) in Dictionary(grouping: incoming, by: \.plant) {
            var found = try await replica.replicaStates(plant: plant, ids: group.map(\.imageID).filter {
                assumed[RecordKey(plant: plant, imageID: $0)] == nil
            })
            for case (let key, .some(let state)) in assumed where key.plant == plant { found[key.imageID] = state }
            states[plant] = found
            if anyWaiting { releasing.formUnion(group.map(RecordKey.init)) }
        }
        var waiting: [WaitingKey: ChangeEvent] = [:]
        for change in try await replica.waitingChanges(of: Array(releasing)) {
            if let event = try? change.event() { waiting[WaitingKey(change)] = event }
        }
        let plan = ReplicaPlan(changes: incoming, states: states, waiting: Array(waiting.values), assumed: Set(assumed.keys))
        var written = try await replica.applyIsolatingRefusals(plan.writes[...])
        var outcomes = plan.outcomes
        var resolved = plan.resolved
        let unsure = written.result.unapplied.union(written.result.unconfirmed)
        if !unsure.isEmpty {
            var read: [Plant: [Int64: ReplicaState]] = [:]
            for (plant, keys) in Dictionary(grouping: unsure, by: \.plant) {
                read[plant] = try await replica.replicaStates(plant: plant, ids: keys.map(\.imageID))
            }
            // An unconfirmed record at the version planned was written (unless a redelivery of
            // the batch wrote it before: counted applied, not stale; the data is the same).
            let planned = Dictionary(plan.writes.compactMap { write in write.version.map { (RecordKey(write), $0) } }) { _, last in last }
            let missed = written.result.unapplied.union(written.result.unconfirmed.filter { read[$0.plant]?[$0.imageID]?.version != planned[$0] })
            let indices = incoming.indices.filter { missed.contains(RecordKey(incoming[$0])) }
            let again = ReplicaPlan(changes: indices.map { incoming[$0] }, states: read,
                                    waiting: waiting.values.filter { missed.contains(RecordKey($0)) })
            for (position, index) in indices.enumerated() { outcomes[index] = again.outcomes[position] }
            resolved = resolved.filter { !missed.contains(RecordKey($0)) } + again.resolved
            written.refused.merge(try await replica.applyIsolatingRefusals(again.writes[...]).refused) { reason, _ in reason }
        }
        try await replica.park(waiting: zip(changes, outcomes).compactMap { sourced, outcome in
            outcome == .waiting ? sourced.waitingChange(since: now) : nil
        })
        try await removeResolved(resolved, refused: written.refused)
        return zip(changes, outcomes).map { sourced, outcome in
            guard outcome == .applied, let reason = written.refused[RecordKey(sourced.change)] else { return outcome }
            return .rejected("the consumer DB refused the write: \(reason)")
        }
    }

    /// The state each record of `changes` can be assumed in, without a read: absent (nil) for
    /// one whose changes are a create and then patches, the version before the first for one
    /// whose changes are patches. A removal, a legacy message or a whole record after a patch
    /// makes a record's state worth a read.
    static func assumedStates(_ changes: [IncomingChange]) -> [RecordKey: ReplicaState?] {
        var assumed: [RecordKey: ReplicaState?] = [:]
        var excluded: Set<RecordKey> = []
        for change in changes {
            let key = RecordKey(change)
            guard !excluded.contains(key) else { continue }
            let seen = assumed[key] != nil
            switch change {
            case .event(let event):
                switch event.payload {
                case .record where !seen:
                    assumed[key] = .some(nil)
                case .patch where seen:
                    continue
                case .patch where event.version > 1:
                    // Never read for a legacy message: `lastChangedAt` orders only those.
                    assumed[key] = ReplicaState(version: event.version - 1, lastChangedAt: Timestamp(millisecondsSinceEpoch: 0))
                default:
                    excluded.insert(key)
                    assumed[key] = nil
                }
            case .legacy:
                excluded.insert(key)
                assumed[key] = nil
            }
        }
        return assumed
    }

    /// Settles up to `limit` waiting changes (the longest waiting first) of the partitions `owns`
    /// accepts: one whose predecessor is in the DB by now (a change another consumer parked
    /// while a batch of this one wrote its record, a crash between a write and the removal of
    /// what waited for it) is applied or found stale. Returns the ones to dead-letter, with why:
    /// those waiting since before `expiry` and still unsettled (`reason` is given the version
    /// the DB holds, nil: no record), and any that no longer decode or that the DB refuses. The
    /// caller dead-letters them, then removes them.
    func settle(expiringBefore expiry: Timestamp, limit: Int, owns: (String, Int32) -> Bool,
                reason: (WaitingChange, Int64?) -> String) async throws -> [(WaitingChange, String)] {
        let waitingNow = try await replica.waitingChanges(before: .now(), limit: limit).filter { owns($0.topic, $0.partition) }
        var events: [WaitingKey: ChangeEvent] = [:]
        var dead: [(WaitingChange, String)] = []
        for change in waitingNow {
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
        for change in waitingNow where change.waitingSince < expiry && events[WaitingKey(change)] != nil && !settled.contains(WaitingKey(change)) {
            dead.append((change, reason(change, states[change.plant]?[change.imageID]?.version)))
        }
        for change in waitingNow {
            if let why = refused[RecordKey(plant: change.plant, imageID: change.imageID)] {
                dead.append((change, "the consumer DB refused the write: \(why)"))
            }
        }
        return dead
    }

    /// Applies the plan's writes, then removes the waiting changes it resolved. Returns the
    /// refused records.
    private func applyRemovingResolved(_ plan: ReplicaPlan) async throws -> [RecordKey: String] {
        let refused = try await replica.applyIsolatingRefusals(plan.writes[...]).refused
        try await removeResolved(plan.resolved, refused: refused)
        return refused
    }

    /// Removes the waiting changes a plan resolved; one folded into a refused write waits on,
    /// and its expiry reports it.
    private func removeResolved(_ resolved: [WaitingKey], refused: [RecordKey: String]) async throws {
        try await replica.removeWaiting(resolved.filter { refused[RecordKey($0)] == nil })
    }
}

/// What writes did, and the records the DB refused for good with its reason.
struct AppliedWrites: Sendable {
    var refused: [RecordKey: String] = [:]
    var result = ReplicaWriteResult()
}

extension ImageReplica {
    /// Applies `writes`. When the database refuses the data for good (a constraint, a type, a
    /// size), halves them until the refused writes are alone, applies every other, and returns
    /// the refused records with the database's reason. A transient error propagates: the caller
    /// retries the whole batch, which the version guard makes harmless.
    func applyIsolatingRefusals(_ writes: ArraySlice<ReplicaWrite>) async throws -> AppliedWrites {
        guard !writes.isEmpty else { return AppliedWrites() }
        do throws(ImageError) {
            return AppliedWrites(result: try await applyReplicaWrites(Array(writes)))
        } catch {
            guard error.code == .storeRejected else { throw error }
            guard writes.count > 1 else { return AppliedWrites(refused: [RecordKey(writes[writes.startIndex]): error.message]) }
            let middle = writes.startIndex + writes.count / 2
            let first = try await applyIsolatingRefusals(writes[..<middle])
            let second = try await applyIsolatingRefusals(writes[middle...])
            return AppliedWrites(refused: first.refused.merging(second.refused) { reason, _ in reason }, result: first.result + second.result)
        }
    }
}

extension ReplicaApplier.Sourced {
    func waitingChange(since: Timestamp) -> WaitingChange? {
        let message = message.original
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
