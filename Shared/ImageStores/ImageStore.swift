import ImageModel
import Logging

/// Chooses the store by URL: `postgres://` / `postgresql://` → PostgreSQL, `mongodb://` → MongoDB.
public enum ImageStore {
    /// Makes a repository without connecting (callers wait for `ping()` with their own policy).
    /// - Throws: `ImageError` (`.invalidField("store_url", ...)`) for an unsupported URL.
    public static func make(url: String, poolSize: Int? = nil, logger: Logger) throws(ImageError) -> any ImageRepository {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try PostgresImageRepository(url: url, poolSize: poolSize ?? 4, logger: logger)
        }
        if url.hasPrefix("mongodb://") {
            return try MongoImageRepository(url: url, poolSize: poolSize ?? 8, logger: logger)
        }
        throw ImageError.invalidField("store_url", "must start with postgres://, postgresql:// or mongodb://")
    }
}
