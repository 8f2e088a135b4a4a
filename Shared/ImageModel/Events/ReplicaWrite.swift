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
public enum ReplicaWrite: Sendable, Hashable {
    /// The whole record (a create, possibly with later changes folded in, or a legacy message).
    case upsert(Plant, Image)
    /// Changed fields of an existing record, and its new version.
    case patch(Plant, imageID: Int64, version: Int64, ImagePatch)
    /// A purge: removes the record if its version is `version` or lower (never a newer one).
    case remove(Plant, imageID: Int64, version: Int64)

    public var plant: Plant {
        switch self {
        case .upsert(let plant, _), .patch(let plant, _, _, _), .remove(let plant, _, _): plant
        }
    }

    public var imageID: Int64 {
        switch self {
        case .upsert(_, let image): image.id
        case .patch(_, let imageID, _, _), .remove(_, let imageID, _): imageID
        }
    }
}

/// The consumer side: the store the stream sync writes to.
public protocol ImageReplica: Sendable {
    /// The states of those of `ids` that exist.
    func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState]
    /// Performs `writes` (at most one per record, after at most one removal of it) in one bulk
    /// operation, removals first, each guarded as `ReplicaWrite` says; returns how many changed
    /// a record.
    @discardableResult
    func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> Int
}
