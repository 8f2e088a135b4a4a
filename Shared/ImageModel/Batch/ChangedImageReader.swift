/// The producer side of the batch sync: the records of a plant a page at a time, all of them
/// or only those changed since a time.
public protocol ChangedImageReader: Sendable {
    /// Up to `limit` records of `plant` with `id > afterID`, by ascending id, whose last change
    /// (`updated_at`, or `created_at` for a record never updated) is at or after `since`;
    /// every record when `since` is nil. Paging by id keeps a page's cost independent of how
    /// far the walk has come.
    func changedImages(plant: Plant, since: Timestamp?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image]
}

/// Where the batch sync keeps its progress: in the consumer DB, so the watermark lives and
/// dies (and is restored from a backup) with the data it describes.
public protocol SyncWatermarkStore: Sendable {
    /// The watermark `job` last stored, nil if it never stored one.
    func syncWatermark(job: String) async throws(ImageError) -> Timestamp?
    /// Stores `watermark` as `job`'s, replacing the previous one.
    func setSyncWatermark(_ watermark: Timestamp, job: String) async throws(ImageError)
}
