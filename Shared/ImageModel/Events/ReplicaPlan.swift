/// A change as the consumer received it.
public enum IncomingChange: Sendable, Hashable {
    /// An event in our envelope.
    case event(ChangeEvent)
    /// A LIMS legacy message: the whole record, ordered by its `updated_at`.
    case legacy(Plant, Image)

    public var plant: Plant {
        switch self {
        case .event(let event): event.plant
        case .legacy(let plant, _): plant
        }
    }

    public var imageID: Int64 {
        switch self {
        case .event(let event): event.imageID
        case .legacy(_, let image): image.id
        }
    }
}

extension IncomingChange {
    /// Decodes a message of `topicPlant`'s topic: our envelope when it has `schema_version`,
    /// otherwise the LIMS legacy format (the bare image JSON).
    /// - Throws: `ImageError.invalidField` with the reason the message is dead-lettered.
    public init(message bytes: [UInt8], topicPlant: Plant) throws(ImageError) {
        let (json, binary) = ChangeEvent.split(bytes)
        try self.init(json: json, binary: binary, topicPlant: topicPlant)
    }

    /// Decodes a message split by `ChangeEvent.split`. A create's image holds `binary` itself,
    /// not a copy.
    public init(json: [UInt8], binary: [UInt8]?, topicPlant: Plant) throws(ImageError) {
        let reader = try FieldReader(body: json, allowed: nil, name: "message")
        guard reader.has("schema_version") else {
            guard binary == nil else { throw ImageError.invalidField("message", "is not JSON: a NUL byte follows a message without schema_version") }
            self = .legacy(topicPlant, try Image(recordJSON: reader, version: 0))
            return
        }
        let event = try ChangeEvent(envelope: reader, binary: binary)
        guard event.plant == topicPlant else {
            throw ImageError.invalidField("plant", "is \(event.plant.rawValue) but the message came on the \(topicPlant.rawValue) topic")
        }
        self = .event(event)
    }
}

/// What became of one incoming change.
public enum ChangeOutcome: Sendable, Hashable {
    case applied
    /// Not newer than what the consumer DB holds: a replay, a redelivery or an old message.
    case stale
    /// An update or delete of a record the consumer DB does not hold yet: it waits there
    /// (`WaitingChange`) until the record arrives.
    case waiting
    /// Cannot be applied (the reason says why); it goes to the dead-letter topic.
    case rejected(String)
}

/// Folds a batch of changes into at most one guarded write per record, given what the
/// consumer DB holds: the batch then costs one bulk write, however many changes of one record
/// it holds. Pure: the consumer reads the states, plans, writes.
///
/// Versions apply one after the other: a record never shows version N without the effects of
/// every version before it. An update or delete of a record that neither the DB nor the batch
/// holds, or one whose previous version has not been applied (it was dead-lettered, or is
/// still on its way), waits (`.waiting`). When what it waits for arrives (in this batch, or
/// with the waiting changes passed in), it is applied right after, in version order, before
/// any later change of the batch. A whole record (a create, a LIMS message) needs no
/// predecessor: the changes after it apply on top of it.
public struct ReplicaPlan: Sendable {
    public private(set) var writes: [ReplicaWrite] = []
    /// One per incoming change, in the same order.
    public private(set) var outcomes: [ChangeOutcome] = []
    /// Changes that were waiting and are done now (applied, or stale): to remove from the DB.
    public private(set) var resolved: [WaitingKey] = []

    /// Where a record stands after the changes planned so far.
    private struct Pending {
        /// The version the DB holds (read or assumed), for a patch's `base`.
        var stored: Int64?
        var version: Int64?
        var lastChangedAt: Timestamp?
        /// The whole record, once a create or legacy message is in the batch.
        var record: Image?
        /// Changes to the stored record, when no whole record is in the batch.
        var patch: ImagePatch?
        /// The stored version a purge removes, before anything else is written.
        var removed: Int64?
        /// Updates waiting for the record, by version: the index of the batch change (nil for
        /// one only waiting in the DB), and whether the DB holds it (a redelivery can be both).
        var early: [Int64: (event: ChangeEvent, index: Int?, stored: Bool)] = [:]
    }

    /// - Parameters:
    ///   - states: the consumer DB's states of the records `changes` and `waiting` touch, by
    ///     plant and id (absent: no such record).
    ///   - waiting: changes waiting in the DB for records of this batch (or for records that
    ///     exist now); those the plan applies or finds stale are listed in `resolved`.
    ///   - assumed: records whose state in `states` (or absence) was assumed, not read: their
    ///     writes are `insert`s and patches with a `base`, which happen only if it holds.
    public init(changes: [IncomingChange], states: [Plant: [Int64: ReplicaState]], waiting: [ChangeEvent] = [],
                assumed: Set<RecordKey> = []) {
        var pending: [RecordKey: Pending] = [:]
        var order: [RecordKey] = []
        func entry(_ key: RecordKey) -> Pending {
            pending[key] ?? {
                order.append(key)
                let stored = states[key.plant]?[key.imageID]
                return Pending(stored: stored?.version, version: stored?.version, lastChangedAt: stored?.lastChangedAt)
            }()
        }
        outcomes.reserveCapacity(changes.count)
        for event in waiting {
            let key = RecordKey(plant: event.plant, imageID: event.imageID)
            var state = entry(key)
            state.early[event.version] = (event, nil, true)
            if state.version != nil { drain(&state) }
            pending[key] = state
        }
        for (index, change) in changes.enumerated() {
            let key = RecordKey(change)
            var state = entry(key)
            outcomes.append(plan(change, index: index, into: &state))
            pending[key] = state
        }
        for key in order {
            guard let entry = pending[key] else { continue }
            if let removed = entry.removed {
                writes.append(.remove(key.plant, imageID: key.imageID, version: removed))
            }
            let assumes = assumed.contains(key)
            if let record = entry.record {
                writes.append(assumes && entry.stored == nil ? .insert(key.plant, record) : .upsert(key.plant, record))
            } else if let patch = entry.patch, let version = entry.version {
                writes.append(.patch(key.plant, imageID: key.imageID, version: version, patch, base: assumes ? entry.stored : nil))
            }
        }
    }

    private mutating func plan(_ change: IncomingChange, index: Int, into entry: inout Pending) -> ChangeOutcome {
        switch change {
        case .event(let event):
            switch event.payload {
            case .removal(let version):
                // Exactly the version `verify` saw: a record that changed since, or is gone, stays.
                guard entry.version == version else { return .stale }
                // The DB then holds this version or an older one: the removal takes any up to
                // it (and up to an earlier purge's in this batch), before what follows is written.
                let removed = max(entry.removed ?? version, version)
                entry = Pending(early: entry.early)
                entry.removed = removed
                return .applied
            case _ where entry.version.map { $0 >= event.version } ?? false:
                return .stale
            case .record(let image):
                entry.record = image
                entry.patch = nil
                entry.version = event.version
                entry.lastChangedAt = image.lastChangedAt
            case .patch:
                // Not `version + 1 < event.version`: `version < event.version` holds, so no overflow.
                guard let version = entry.version, event.version - 1 == version else {
                    let earlier = entry.early[event.version]
                    // A redelivery within the batch: the first copy is the stale one.
                    if let copy = earlier?.index { outcomes[copy] = .stale }
                    entry.early[event.version] = (event, index, earlier?.stored ?? false)
                    return .waiting
                }
                Self.apply(event, to: &entry)
            }
        case .legacy(_, var image):
            if let last = entry.lastChangedAt, image.lastChangedAt <= last { return .stale }
            // A stored version can be as large as an envelope made it; it never wraps.
            let (next, overflow) = (entry.version ?? 0).addingReportingOverflow(1)
            if overflow {
                return .rejected("legacy message for \(image.id): the stored version \(entry.version ?? 0) cannot be incremented")
            }
            image.version = next
            entry.record = image
            entry.patch = nil
            entry.version = image.version
            entry.lastChangedAt = image.lastChangedAt
        }
        drain(&entry)
        return .applied
    }

    /// Applies the waiting changes that follow the record's version without a gap, in version
    /// order; those not newer than it are stale; the rest wait on.
    private mutating func drain(_ entry: inout Pending) {
        guard entry.version != nil, !entry.early.isEmpty else { return }
        for (version, (event, index, stored)) in entry.early.sorted(by: { $0.key < $1.key }) {
            guard let current = entry.version, version <= current || version - 1 == current else { break }
            let outcome: ChangeOutcome = version > current ? .applied : .stale
            if outcome == .applied { Self.apply(event, to: &entry) }
            if let index { outcomes[index] = outcome }
            if stored { resolved.append(WaitingKey(event)) }
            entry.early[version] = nil
        }
    }

    /// Folds a newer patch event into the record or patch in hand.
    private static func apply(_ event: ChangeEvent, to entry: inout Pending) {
        guard case .patch(let patch) = event.payload else { return }
        if let record = entry.record {
            entry.record = record.patched(patch, version: event.version)
        } else {
            entry.patch = entry.patch.map { $0.merged(with: patch) } ?? patch
        }
        entry.version = event.version
        entry.lastChangedAt = patch[.updatedAt]?.timestamp ?? entry.lastChangedAt
    }
}
