import CMongoC
import Dispatch
import Logging
import Synchronization

/// A pool of MongoDB connections (`mongoc_client_pool_t`) that runs each operation on one
/// client popped for it, off Swift's cooperative thread pool.
///
/// Creating a pool does not connect: libmongoc connects on the first operation, so a service
/// can start before its database and retry `ping` until it answers.
public final class MongoClientPool: @unchecked Sendable {
    // @unchecked Sendable: libmongoc documents mongoc_client_pool_pop/push as thread-safe; `uri`
    // is only read after init; `pool` is set to nil only by `close`, after the gate has drained
    // every operation and refuses new ones (the gate's lock orders that write before any read).
    private var pool: OpaquePointer?
    private let uri: OpaquePointer
    private let gate: OperationGate
    /// One serial queue per client the gate admits, free ones here. Serial queues run on
    /// Dispatch's overcommit threads, which grow with blocked work. A concurrent queue would
    /// share the width-limited default root queue with Swift's own executor on Linux, so
    /// operations blocked on a slow or unreachable server starved every task of the process.
    private let freeLanes: Mutex<[DispatchQueue]>
    private let logger: Logger

    /// The database named in the URL's path (`mongodb://host/NAME`), nil when there is none.
    public let databaseName: String?
    /// Whether libmongoc sends writes as retryable writes (`retryWrites`).
    public let retriesWrites: Bool

    /// Parses `url` and prepares a pool of at most `poolSize` connections.
    ///
    /// - Parameters:
    ///   - url: A `mongodb://` connection string; its timeouts win over the default below.
    ///   - poolSize: At most this many operations run at once, others wait; it replaces any
    ///     `maxPoolSize` in `url`, since the pool must hold a client for each admitted operation.
    ///   - serverSelectionTimeoutMS: How long an operation waits for a reachable server before
    ///     failing with `.connectionFailure` (libmongoc's default is 30 s); also the connect timeout.
    ///   - retryableWrites: Whether writes are retryable writes (libmongoc's default) unless
    ///     the URL says otherwise. A retryable write carries a transaction number, and the
    ///     server keeps a record of each, so that a driver's one automatic retry after a
    ///     network error is not applied twice. A writer whose writes are idempotent anyway
    ///     gains nothing from it and saves the server that record per command.
    /// - Throws: `MongoError` with code `.invalidURI` when the URL cannot be parsed.
    public init(url: String, poolSize: Int = 8, serverSelectionTimeoutMS: Int32 = 2000, retryableWrites: Bool = true,
                logger: Logger) throws(MongoError) {
        precondition(poolSize > 0, "poolSize must be positive")
        _ = MongoLibrary.initialized
        let (parsed, parseError) = withBSONError { mongoc_uri_new_with_error(url, $0) }
        guard let uri = parsed else {
            throw MongoError(code: .invalidURI, domain: parseError.domain, nativeCode: parseError.code,
                             message: "invalid MongoDB URL: \(MongoError(parseError).message)")
        }
        for option in [MONGOC_URI_SERVERSELECTIONTIMEOUTMS, MONGOC_URI_CONNECTTIMEOUTMS]
        where !mongoc_uri_has_option(uri, option) {
            mongoc_uri_set_option_as_int32(uri, option, serverSelectionTimeoutMS)
        }
        // The gate admits poolSize operations, so the pool must hold as many clients.
        mongoc_uri_set_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, Int32(clamping: poolSize))
        if !mongoc_uri_has_option(uri, MONGOC_URI_RETRYWRITES) {
            mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, retryableWrites)
        }
        retriesWrites = mongoc_uri_get_option_as_bool(uri, MONGOC_URI_RETRYWRITES, true)

        // mongoc_client_pool_new_with_error copies the URI; ours stays ours to destroy.
        let (created, poolError) = withBSONError { mongoc_client_pool_new_with_error(uri, $0) }
        guard let pool = created else {
            mongoc_uri_destroy(uri)
            throw MongoError(code: .invalidURI, domain: poolError.domain, nativeCode: poolError.code,
                             message: "invalid MongoDB URL: \(MongoError(poolError).message)")
        }
        // Version 2 reports server errors in domain MONGOC_ERROR_SERVER with the server's own
        // code (11000 for a duplicate key). It must be set before the first pop.
        mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2)

        self.pool = pool
        self.uri = uri
        self.gate = OperationGate(capacity: poolSize)
        self.freeLanes = Mutex((0..<poolSize).map { DispatchQueue(label: "leafsync.mongo.\($0)") })
        // The string belongs to the URI; copy it.
        self.databaseName = mongoc_uri_get_database(uri).map { String(cString: $0) }
        self.logger = logger
        logger.debug("MongoDB client pool created", metadata: [
            "db.name": "\(databaseName ?? "")", "mongo.pool_size": "\(poolSize)",
        ])
    }

    deinit {
        // First the pool, which destroys its clients, its topology and its own copy of the URI;
        // then the URI this class parsed. On a Dispatch thread, never the one that dropped the
        // last reference (possibly a cooperative one): see `Handles.destroy`.
        let handles = Handles(pool: pool, uri: uri)
        DispatchQueue(label: "leafsync.mongo.destroy").async { handles.destroy() }
    }

    /// The C handles, carried to the thread that destroys them.
    private struct Handles: @unchecked Sendable {
        // @unchecked Sendable: handed over once, by deinit or close, to the one thread that
        // destroys them; nothing else holds them any more.
        let pool: OpaquePointer?
        let uri: OpaquePointer?

        /// Blocks until the topology's monitor threads have stopped, which lasts up to a
        /// connect timeout while one is connecting to an unreachable server: on the
        /// cooperative pool that stalled every other task for seconds.
        func destroy() {
            if let pool { mongoc_client_pool_destroy(pool) }
            if let uri { mongoc_uri_destroy(uri) }
        }
    }

    /// Runs `body` with a client popped from the pool on a Dispatch thread, and pushes the
    /// client back however `body` ends.
    ///
    /// `body` blocks while libmongoc talks to the server, which is why it never runs on the
    /// cooperative pool. The client and what it hands out are valid only inside `body`.
    ///
    /// With a `lane`, `body` runs there after the operations handed to it before: a caller
    /// that hands over its next operation while one runs has the server get that command the
    /// moment the reply before it is read, and never run the two at once. An operation waiting
    /// on its lane holds one of the pool's places, so a lane suits a few operations at a time.
    /// - Throws: what `body` throws, or `MongoError` with code `.closed` after `close()`.
    public func withClient<T: Sendable>(queuedOn lane: MongoLane? = nil,
                                        _ body: @escaping @Sendable (MongoClient) throws -> T) async throws -> T {
        guard await gate.enter() else {
            throw MongoError(code: .closed, message: "the MongoDB client pool is closed")
        }
        defer { gate.leave() }
        // The gate admits no more operations than there are lanes: one is always free.
        let queue = lane?.queue ?? freeLanes.withLock { $0.removeLast() }
        defer { if lane == nil { freeLanes.withLock { $0.append(queue) } } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.runBlocking(body) })
            }
        }
    }

    private func runBlocking<T>(_ body: (MongoClient) throws -> T) throws -> T {
        guard let pool else { preconditionFailure("pool used after close") }
        // Never blocks: the gate admits no more operations than the pool has clients.
        let client = MongoClient(handle: mongoc_client_pool_pop(pool))
        defer {
            client.invalidate()
            mongoc_client_pool_push(pool, client.handle)
        }
        return try body(client)
    }

    /// Waits for running operations, then closes every connection; later operations throw
    /// `.closed`. Calling it again does nothing.
    public func close() async {
        guard await gate.close(), let pool else { return }
        self.pool = nil
        let handles = Handles(pool: pool, uri: nil)
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "leafsync.mongo.destroy").async {
                handles.destroy()
                continuation.resume()
            }
        }
        logger.debug("MongoDB client pool closed", metadata: ["db.name": "\(databaseName ?? "")"])
    }
}
