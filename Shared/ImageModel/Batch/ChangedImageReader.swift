/// The producer side of the batch sync: the records of a plant a page at a time, all of them
/// or only those changed since a horizon.
public protocol ChangedImageReader: Sendable {
    /// Where the producer DB's own order of changes stands now. Taken when a run starts, it is
    /// the next run's `since`: every change the DB makes visible after this call is "since" it,
    /// however long its transaction ran and whatever clock its writer had.
    func changeHorizon() async throws(ImageError) -> ChangeHorizon
    /// Up to `limit` records of `plant` with `id > afterID`, by ascending id, changed since
    /// `since` (a horizon of this store's kind); every record when `since` is nil. Paging by id
    /// keeps a page's cost independent of how far the walk has come.
    func changedImages(plant: Plant, since: ChangeHorizon?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image]
}

/// A point in a producer DB's order of changes, in the DB's own terms, never a writer's clock.
public enum ChangeHorizon: Sendable, Hashable, CustomStringConvertible {
    /// PostgreSQL: a snapshot (`pg_current_snapshot()` as text, `xmin:xmax:xip,...`). Every row
    /// carries the transaction that last changed it; a row is changed since the snapshot when
    /// that transaction is not visible in it (it was running, or began later), so a
    /// transaction that commits late is caught whenever it commits.
    case postgresSnapshot(String)
    /// MongoDB: the server's clock, in milliseconds. Every document write stamps `changed_at`
    /// with the server's clock in the same single-document (atomic) write; a margin covers
    /// writes in flight when the horizon was read and steps of the server's clock.
    case serverClock(Timestamp)

    /// How the kind is stored beside the value.
    public var kind: String {
        switch self {
        case .postgresSnapshot: "postgres-snapshot"
        case .serverClock: "server-clock-ms"
        }
    }

    /// The value as stored.
    public var storedValue: String {
        switch self {
        case .postgresSnapshot(let snapshot): snapshot
        case .serverClock(let time): String(time.millisecondsSinceEpoch)
        }
    }

    /// Reads a stored horizon; nil for an unknown kind or a value that is not of its form (the
    /// next run then copies everything, which is always correct).
    public init?(kind: String, storedValue value: String) {
        switch kind {
        case "postgres-snapshot":
            // `xmin:xmax:xip1,xip2,...`, digits only: the value is cast to `pg_snapshot` in SQL.
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            let isNumber = { (text: Substring) in !text.isEmpty && text.count <= 20 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) }
            guard parts.count == 3, isNumber(parts[0]), isNumber(parts[1]),
                  parts[2].isEmpty || parts[2].split(separator: ",", omittingEmptySubsequences: false).allSatisfy(isNumber)
            else { return nil }
            self = .postgresSnapshot(value)
        case "server-clock-ms":
            guard let milliseconds = Int64(value) else { return nil }
            self = .serverClock(Timestamp(millisecondsSinceEpoch: milliseconds))
        default:
            return nil
        }
    }

    /// Earlier by `margin` where the horizon is a clock; a snapshot is exact and needs none.
    public func widened(by margin: Duration) -> ChangeHorizon {
        guard case .serverClock(let time) = self else { return self }
        // Saturating: a wrapped result would be a far future that reads nothing.
        let (seconds, attoseconds) = margin.components
        let milliseconds = seconds >= Int64.max / 1000 ? Int64.max : seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let (earlier, overflow) = time.millisecondsSinceEpoch.subtractingReportingOverflow(milliseconds)
        return .serverClock(Timestamp(millisecondsSinceEpoch: overflow ? .min : earlier))
    }

    public var description: String { "\(kind) \(storedValue)" }
}

/// Where the batch sync keeps its progress: in the consumer DB, so the watermark lives and
/// dies (and is restored from a backup) with the data it describes.
public protocol SyncWatermarkStore: Sendable {
    /// The horizon `job` last stored, nil if it never stored one (or one no longer readable).
    func syncWatermark(job: String) async throws(ImageError) -> ChangeHorizon?
    /// Stores `watermark` as `job`'s, replacing the previous one.
    func setSyncWatermark(_ watermark: ChangeHorizon, job: String) async throws(ImageError)
}
