/// What the consumer DB holds of a record, as far as ordering changes needs.
public struct ReplicaState: Sendable, Hashable {
    public var version: Int64
    /// `updated_at`, or `created_at` if never updated: the order of legacy messages.
    public var lastChangedAt: Timestamp

    public init(version: Int64, lastChangedAt: Timestamp) {
        self.version = version
        self.lastChangedAt = lastChangedAt
    }
}

/// One write to the consumer DB, guarded so that it never replaces newer data: it happens
/// only if the stored record's version is lower than the write's (or, for an upsert, there is
/// no record yet). Replays and redeliveries thus change nothing.
///
/// Two writes rest on an assumption about the stored record instead of a read of it (the
/// consumer writes first and reads only what the write could not explain): `insert` and a
/// patch with a `base`. Either happens only if the assumption holds; otherwise its record is
/// listed as unconfirmed in the result.
public enum ReplicaWrite: Sendable, Hashable {
    /// The whole record (a create, possibly with later changes folded in, or a legacy message).
    case upsert(Plant, Image)
    /// The whole record of one assumed absent: written only if the DB holds no such record.
    case insert(Plant, Image)
    /// Changed fields of an existing record, and its new version. With a `base`, the record is
    /// assumed to be at exactly that version, and the patch applies only if it is.
    case patch(Plant, imageID: Int64, version: Int64, ImagePatch, base: Int64? = nil)
    /// A purge: removes the record if its version is `version` or lower (never a newer one).
    case remove(Plant, imageID: Int64, version: Int64)

    public var plant: Plant {
        switch self {
        case .upsert(let plant, _), .insert(let plant, _), .patch(let plant, _, _, _, _), .remove(let plant, _, _): plant
        }
    }

    public var imageID: Int64 {
        switch self {
        case .upsert(_, let image), .insert(_, let image): image.id
        case .patch(_, let imageID, _, _, _), .remove(_, let imageID, _): imageID
        }
    }

    /// The version the record has once the write is applied; nil for a removal.
    public var version: Int64? {
        switch self {
        case .upsert(_, let image), .insert(_, let image): image.version
        case .patch(_, _, let version, _, _): version
        case .remove: nil
        }
    }
}

/// What a bulk of `ReplicaWrite`s did.
public struct ReplicaWriteResult: Sendable, Hashable {
    /// Records the writes changed.
    public var changed: Int
    /// Records of assumed writes (`insert`, a patch with a `base`) that did not happen: the
    /// record was not as assumed.
    public var unapplied: Set<RecordKey>
    /// Records of assumed writes that may or may not have happened: a store that counts only
    /// how many writes of a bulk matched cannot say which missed. Their states tell.
    public var unconfirmed: Set<RecordKey>

    public init(changed: Int = 0, unapplied: Set<RecordKey> = [], unconfirmed: Set<RecordKey> = []) {
        self.changed = changed
        self.unapplied = unapplied
        self.unconfirmed = unconfirmed
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(changed: lhs.changed + rhs.changed, unapplied: lhs.unapplied.union(rhs.unapplied),
             unconfirmed: lhs.unconfirmed.union(rhs.unconfirmed))
    }
}

/// The consumer side: the store the stream sync writes to.
public protocol ImageReplica: Sendable {
    /// The states of those of `ids` that exist.
    func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState]
    /// Performs `writes` (at most one per record, after at most one removal of it) in one bulk
    /// operation, removals first, each guarded as `ReplicaWrite` says.
    @discardableResult
    func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> ReplicaWriteResult
    /// Whether a write handed over while another runs waits for it in the store, so the DB
    /// gets it the moment the one before ends and never runs the two at once. A consumer hands
    /// over its next batch's write early only then: writes running side by side slow each other.
    var queuesWrites: Bool { get }
}

extension ImageReplica {
    public var queuesWrites: Bool { false }
}
