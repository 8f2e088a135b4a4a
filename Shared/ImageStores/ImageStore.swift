import ImageModel
import Logging

/// A store that can be either end of the stream or the batch sync: the producer DB (with its
/// outbox and change reads) or the consumer DB (with guarded writes and the batch watermark).
/// Both stores are.
public typealias SyncableImageRepository = ImageRepository & ChangeOutbox & ImageReplica & WaitingChanges & ChangedImageReader & SyncWatermarkStore
    & BootstrapStateStore & ChangeRepublisher

/// Chooses the store by URL: `postgres://` / `postgresql://` → PostgreSQL, `mongodb://` → MongoDB.
public enum ImageStore {
    /// Makes a repository without connecting (callers wait for `ping()` with their own policy).
    /// - Parameters:
    ///   - writesChangeEvents: whether creates, updates and deletes also write their change
    ///     event to the outbox, atomically with the change (the producer DB of the stream sync).
    ///     A MongoDB store without it sends no retryable writes: what it writes is idempotent.
    ///   - eventSchemaVersion: the envelope schema of the events written (`ChangeEvent.schemaVersions`).
    /// - Throws: `ImageError` (`.invalidField("store_url", ...)`) for an unsupported URL.
    public static func make(url: String, poolSize: Int? = nil, writesChangeEvents: Bool = false,
                            eventSchemaVersion: Int64 = ChangeEvent.schemaVersion, logger: Logger) throws(ImageError) -> any SyncableImageRepository {
        guard ChangeEvent.schemaVersions.contains(eventSchemaVersion) else {
            throw ImageError.invalidField("schema_version", "must be \(ChangeEvent.schemaVersions.lowerBound) to \(ChangeEvent.schemaVersions.upperBound), not \(eventSchemaVersion)")
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try PostgresImageRepository(url: url, poolSize: poolSize ?? 4, writesChangeEvents: writesChangeEvents,
                                               eventSchemaVersion: eventSchemaVersion, logger: logger)
        }
        if url.hasPrefix("mongodb://") {
            return try MongoImageRepository(url: url, poolSize: poolSize ?? 8, writesChangeEvents: writesChangeEvents,
                                            eventSchemaVersion: eventSchemaVersion, logger: logger)
        }
        throw ImageError.invalidField("store_url", "must start with postgres://, postgresql:// or mongodb://")
    }
}
