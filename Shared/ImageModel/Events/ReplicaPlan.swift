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
        let reader = try FieldReader(body: bytes, allowed: nil, name: "message")
        guard reader.has("schema_version") else {
            self = .legacy(topicPlant, try Image(recordJSON: reader, version: 0))
            return
        }
        let event = try ChangeEvent(envelope: FieldReader(value: reader.object, allowed: ChangeEvent.envelopeKeys, name: "message"))
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
    /// Cannot be applied (the reason says why); it goes to the dead-letter topic.
    case rejected(String)
}

/// Folds a batch of changes into at most one guarded write per record, given what the
/// consumer DB holds: the batch then costs one bulk write, however many changes of one record
/// it holds. Pure: the consumer reads the states, plans, writes.
public struct ReplicaPlan: Sendable {
    public private(set) var writes: [ReplicaWrite] = []
    /// One per incoming change, in the same order.
    public private(set) var outcomes: [ChangeOutcome] = []

    private struct Key: Hashable {
        let plant: Plant
        let id: Int64
    }

    /// Where a record stands after the changes planned so far.
    private struct Pending {
        var version: Int64?
        var lastChangedAt: Timestamp?
        /// The whole record, once a create or legacy message is in the batch.
        var record: Image?
        /// Changes to the stored record, when no whole record is in the batch.
        var patch: ImagePatch?
    }

    /// - Parameter states: the consumer DB's states of the records `changes` touch, by plant
    ///   and id (absent: no such record).
    public init(changes: [IncomingChange], states: [Plant: [Int64: ReplicaState]]) {
        var pending: [Key: Pending] = [:]
        var order: [Key] = []
        outcomes.reserveCapacity(changes.count)
        for change in changes {
            let key = Key(plant: change.plant, id: change.imageID)
            var entry = pending[key] ?? {
                order.append(key)
                let stored = states[key.plant]?[key.id]
                return Pending(version: stored?.version, lastChangedAt: stored?.lastChangedAt)
            }()
            outcomes.append(Self.plan(change, into: &entry))
            pending[key] = entry
        }
        for key in order {
            guard let entry = pending[key] else { continue }
            if let record = entry.record {
                writes.append(.upsert(key.plant, record))
            } else if let patch = entry.patch, let version = entry.version {
                writes.append(.patch(key.plant, imageID: key.id, version: version, patch))
            }
        }
    }

    private static func plan(_ change: IncomingChange, into entry: inout Pending) -> ChangeOutcome {
        switch change {
        case .event(let event):
            if let version = entry.version, version >= event.version { return .stale }
            switch event.payload {
            case .record(let image):
                entry.record = image
                entry.patch = nil
            case .patch(let patch):
                if let record = entry.record {
                    entry.record = record.patched(patch, version: event.version)
                } else if entry.version != nil {
                    entry.patch = entry.patch.map { $0.merged(with: patch) } ?? patch
                } else {
                    return .rejected("\(event.op.rawValue) of \(event.plant.rawValue) image \(event.imageID) (version \(event.version)) before its create: the consumer DB has no such record")
                }
            }
            entry.version = event.version
            entry.lastChangedAt = event.payload.lastChangedAt ?? entry.lastChangedAt
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
        return .applied
    }
}

extension ChangeEvent.Payload {
    var lastChangedAt: Timestamp? {
        switch self {
        case .record(let image): image.lastChangedAt
        case .patch(let patch): patch.updatedAt
        }
    }
}
