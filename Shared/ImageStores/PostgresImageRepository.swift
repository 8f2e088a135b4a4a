import ImageModel
import Logging
import Postgres
import Sockets

/// The image store on PostgreSQL: one `images` table keyed by `(plant, id)`, JPEGs in a
/// `bytea` column, and the one-row `is_deployed` table.
///
/// Statements run on a `PostgresPool` (blocking libpq calls on the pool's own queues); frequent
/// ones are prepared once per connection. The reads an HTTP handler makes one statement of
/// (`image`, `random`, `count`, `isDeployed`) hand the pool the caller's event loop
/// (`EventLoop.current`, nil elsewhere), which waits for the answer without a thread hop.
/// Connection failures become
/// `.storeUnavailable`, other database errors `.storeFailure` with the SQLSTATE.
public final class PostgresImageRepository: ImageRepository {
    let pool: PostgresPool
    let logger: Logger
    /// Whether creates, updates and deletes write their change event to the outbox.
    let writesChangeEvents: Bool
    /// The envelope schema of the events they write.
    let eventSchemaVersion: Int64

    /// Validates `url` without connecting: the service pings with backoff until the database
    /// is up.
    /// - Parameters:
    ///   - url: `postgres://` or `postgresql://`, e.g. `postgres://app@127.0.0.1:5433/appdb`.
    ///   - writesChangeEvents, eventSchemaVersion: see `ImageStore.make`.
    ///   - poolSize: the most connections open at once.
    /// - Throws: `ImageError` `.invalidField` (field `url`) for another scheme or a URL libpq
    ///   cannot parse, or a pool size below 1.
    public init(url: String, poolSize: Int = 4, writesChangeEvents: Bool = false,
                eventSchemaVersion: Int64 = ChangeEvent.schemaVersion, logger: Logger) throws(ImageError) {
        self.writesChangeEvents = writesChangeEvents
        self.eventSchemaVersion = eventSchemaVersion
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ImageError.invalidField("url", "must start with postgres:// or postgresql://")
        }
        var logger = logger
        logger[metadataKey: "db.system"] = "postgresql"
        self.logger = logger
        do {
            pool = try PostgresPool(url: url, size: poolSize, logger: logger)
        } catch {
            throw ImageError.invalidField("url", error.message)
        }
    }

    public func ping() async throws(ImageError) {
        try await run("ping") { try $0.query("SELECT 1") }
    }

    public func isDeployed() async throws(ImageError) -> Bool {
        try await translatingErrors("is-deployed") {
            try await pool.query("SELECT coalesce(bool_or(is_deployed), false) FROM is_deployed", prepared: true,
                                 waitingOn: .current).scalar(Bool.self)
        }
    }

    public func setDeployed() async throws(ImageError) {
        // The unique index on (true) keeps the table at one row, also under concurrent calls.
        try await run("set-deployed") { connection in
            try connection.query("""
                INSERT INTO is_deployed (is_deployed) VALUES (true)
                ON CONFLICT ((true)) DO UPDATE SET is_deployed = true
                """)
        }
    }

    public func image(plant: Plant, id: Int64) async throws(ImageError) -> Image? {
        try await translatingErrors("get") {
            try await pool.query("SELECT \(Self.imageColumns) FROM images WHERE plant = $1 AND id = $2",
                                 [.text(plant.rawValue), .int64(id)], prepared: true, waitingOn: .current)
                .rows.first.map(Image.init(postgresRow:))
        }
    }

    /// One statement: counts the matching rows and skips a uniformly random number of them in
    /// id order, both under the same snapshot. Skipped rows are never detoasted, so only the
    /// chosen image's data is read.
    public func random(plant: Plant, filter: ImageFilter) async throws(ImageError) -> Image? {
        let (condition, params) = Self.condition(plant: plant, filter: filter)
        return try await translatingErrors("random") {
            try await pool.query("""
                SELECT \(Self.imageColumns) FROM images WHERE \(condition) ORDER BY id
                OFFSET floor(random() * (SELECT count(*) FROM images WHERE \(condition))) LIMIT 1
                """, params, prepared: true, waitingOn: .current).rows.first.map(Image.init(postgresRow:))
        }
    }

    public func listPage(plant: Plant, fromID: Int64, limit: Int, filter: ImageFilter) async throws(ImageError) -> [Image] {
        let (condition, params) = Self.condition(plant: plant, filter: filter)
        let page = params + [.int64(fromID), .int64(Int64(max(limit, 0)))]
        return try await run("list") { connection in
            try connection.query("""
                SELECT \(Self.imageColumns) FROM images WHERE \(condition) AND id >= $\(page.count - 1)
                ORDER BY id LIMIT $\(page.count)
                """, page, prepared: true).rows.map(Image.init(postgresRow:))
        }
    }

    /// Through the pool's `query` on the caller's event loop, if it runs on one.
    public func count(plant: Plant, filter: ImageFilter) async throws(ImageError) -> Int64 {
        let (condition, params) = Self.condition(plant: plant, filter: filter)
        return try await translatingErrors("count") {
            try await pool.query("SELECT count(*) FROM images WHERE \(condition)", params, prepared: true, waitingOn: .current)
                .scalar(Int64.self)
        }
    }

    /// Also forgets the batch sync's watermarks and the bootstrap's progress, which describe
    /// the records removed.
    public func removeAll() async throws(ImageError) {
        try await run("remove-all") {
            try $0.query("TRUNCATE images, is_deployed, outbox, outbox_parked, sync_state, replica_waiting, bootstrap_state")
        }
    }

    public func close() async {
        await pool.close()
    }

    /// Runs `body` on a pooled connection, turning database errors into `ImageError`s;
    /// `ImageError`s thrown by `body` pass through.
    @discardableResult
    func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws(ImageError) -> T {
        try await translatingErrors(operation) { try await pool.withConnection(body) }
    }

    /// Runs `body` (pool calls), turning database errors into `ImageError`s; `ImageError`s pass
    /// through. Single statements call `pool.query` in it, which can skip the connection's queue.
    func translatingErrors<T>(_ operation: String, _ body: () async throws -> T) async throws(ImageError) -> T {
        do {
            return try await body()
        } catch let error as ImageError {
            throw error
        } catch let error as PostgresError {
            throw Self.imageError(error, operation: operation)
        } catch {
            throw ImageError(code: .storeFailure, message: "PostgreSQL \(operation) failed: \(error)")
        }
    }

    static func imageError(_ error: PostgresError, operation: String) -> ImageError {
        if error.isConnectionFailure || error.code == .closed {
            return ImageError(code: .storeUnavailable, message: "PostgreSQL is unavailable (\(operation)): \(error.message)")
        }
        if error.isDataRejection {
            return ImageError(code: .storeRejected, message: "PostgreSQL refused the data (\(operation)): \(error)")
        }
        return ImageError(code: .storeFailure, message: "\(operation) failed: \(error)")
    }
}
