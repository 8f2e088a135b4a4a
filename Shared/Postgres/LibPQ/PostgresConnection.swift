import CLibPQ
import Logging

/// One libpq connection (`PGconn`), owned by this object and closed when it is released.
///
/// libpq connections are not thread-safe and every call blocks, so a connection must be used
/// from one thread at a time and never from Swift's cooperative pool: `PostgresPool` gives each
/// connection its own serial `DispatchQueue` (as GRDB's `SerializedDatabase` does) and hands
/// it out only inside `withConnection`. The type is deliberately not `Sendable`, so a
/// connection cannot escape that closure.
public final class PostgresConnection {
    private let handle: OpaquePointer
    private let logger: Logger
    private let notices = NoticeBuffer()
    /// Server-side prepared statements of this session, by SQL text and parameter types.
    private var preparedStatements: [PreparedKey: String] = [:]

    private struct PreparedKey: Hashable {
        let sql: String
        let types: [Oid]
    }

    /// Connects, blocking the calling thread up to the connect timeout; only `ConnectionSlot`
    /// calls it, on its queue.
    /// - Throws: `PostgresError` `.connection` when the server cannot be reached or refuses
    ///   the login.
    init(parameters: ConnectionParameters, logger: Logger) throws(PostgresError) {
        guard let handle = parameters.connect() else {
            throw PostgresError(code: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let error = PostgresError(connection: handle)
            // PQconnectdbParams returns a PGconn even when connecting failed; it holds the error
            // message and must still be freed with PQfinish.
            PQfinish(handle)
            throw error
        }
        self.handle = handle
        notices.install(on: handle)
        var logger = logger
        logger[metadataKey: "db.system"] = "postgresql"
        logger[metadataKey: "db.postgresql.backend_pid"] = "\(PQbackendPID(handle))"
        self.logger = logger
        logger.debug("Connected to PostgreSQL", metadata: [
            "server.address": "\(String(cString: PQhost(handle)))",
            "server.port": "\(String(cString: PQport(handle)))",
            "db.namespace": "\(String(cString: PQdb(handle)))",
        ])
    }

    deinit {
        // Closes the socket and frees the PGconn and everything libpq allocated for it.
        PQfinish(handle)
    }

    /// The server process serving this connection (for `pg_terminate_backend` and logs).
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// True while libpq considers the connection usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True when the connection is usable and outside any transaction, so the next user starts
    /// from a clean session.
    var isIdle: Bool { isConnected && PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Reads whatever the server sent while the connection sat idle, without blocking (libpq
    /// keeps its socket non-blocking and only emulates blocking calls), and tells whether the
    /// connection is still worth using. A server ending the session (restart,
    /// `pg_terminate_backend`) sends a FATAL notice and then EOF: either one means no, so the
    /// pool reconnects instead of failing the next statement.
    func refreshStatus() -> Bool {
        // PQconsumeInput only reads; PQisBusy parses what was read, which hands a message
        // that arrived while idle to the notice receiver.
        _ = PQconsumeInput(handle)
        _ = PQisBusy(handle)
        let endsSession = logNotices()
        return isConnected && !endsSession
    }

    /// Logs the notices received so far; true if one announced the end of the session.
    @discardableResult
    private func logNotices() -> Bool {
        var endsSession = false
        for notice in notices.drain() {
            endsSession = endsSession || notice.endsSession
            logger.debug("PostgreSQL notice", metadata: [
                "db.notice.severity": "\(notice.severity)",
                "db.response.status_code": "\(notice.sqlState ?? "")",
                "db.notice.message": "\(notice.message)",
            ])
        }
        return endsSession
    }

    /// Runs one statement with `params` bound to `$1`, `$2`... and returns its rows, decoded.
    /// - Parameters:
    ///   - prepared: prepare the statement once per connection and reuse it: saves the
    ///     server's parse and plan for statements run often, such as a lookup by primary key.
    /// - Throws: `PostgresError`: `.query` with the SQLSTATE when the server rejects it,
    ///   `.connection` when the connection is lost, `.decoding` for a value out of range.
    @discardableResult
    public func query(_ sql: String, _ params: [PostgresValue] = [], prepared: Bool = false) throws(PostgresError) -> PostgresResult {
        logger.trace("Executing statement", metadata: ["db.statement": "\(sql)"])
        let parameters = try BinaryParameters(params)
        let count = Int32(parameters.count)
        if prepared {
            let name = try preparedStatement(sql, types: parameters.types)
            return try consume(parameters.withUnsafePointers { _, values, lengths, formats in
                PQexecPrepared(handle, name, count, values, lengths, formats, 1)
            })
        }
        return try consume(parameters.withUnsafePointers { types, values, lengths, formats in
            PQexecParams(handle, sql, count, types, values, lengths, formats, 1)
        })
    }

    /// Runs a statement prepared earlier on this session, as `query(_:_:prepared: true)` does,
    /// but suspends in `waitReadable` (given the socket) instead of blocking the thread while
    /// the server works.
    /// - Returns: nil, having sent nothing, when `sql` is not prepared on this session yet.
    /// - Throws: as `query`, and what `waitReadable` throws (the connection is then left busy,
    ///   so the pool discards it).
    func queryWithoutBlocking(
        _ sql: String, _ params: [PostgresValue],
        waitReadable: (Int32) async throws(PostgresError) -> Void
    ) async throws(PostgresError) -> PostgresResult? {
        let parameters = try BinaryParameters(params)
        guard let name = preparedStatements[PreparedKey(sql: sql, types: parameters.types)] else { return nil }
        logger.trace("Executing statement", metadata: ["db.statement": "\(sql)"])
        // A statement this small fits the socket buffer, so sending it does not block.
        let sent = parameters.withUnsafePointers { _, values, lengths, formats in
            PQsendQueryPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 1)
        }
        guard sent == 1 else { throw PostgresError(connection: handle) }
        // One statement gives one result, then nil once the server is ready again; PQgetResult
        // would block whenever PQisBusy says the next of those has not fully arrived.
        var result: OpaquePointer?
        do throws(PostgresError) {
            while true {
                while PQisBusy(handle) == 1 {
                    try await waitReadable(PQsocket(handle))
                    guard PQconsumeInput(handle) == 1 else { throw PostgresError(connection: handle) }
                }
                guard let next = PQgetResult(handle) else { break }
                if result == nil { result = next } else { PQclear(next) }
            }
        } catch {
            if let result { PQclear(result) }
            throw error
        }
        return try consume(result)
    }

    /// The name of `sql` prepared on this session, preparing it on first use.
    private func preparedStatement(_ sql: String, types: [Oid]) throws(PostgresError) -> String {
        let key = PreparedKey(sql: sql, types: types)
        if let name = preparedStatements[key] { return name }
        let name = "leafsync_\(preparedStatements.count + 1)"
        _ = try consume(types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, sql, Int32(types.count), types.baseAddress)
        })
        // Statements prepared at protocol level belong to the session, not to a transaction: a
        // rollback does not drop them, and a new connection starts with none.
        preparedStatements[key] = name
        return name
    }

    /// Decodes `result` and frees it.
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        defer { logNotices() }
        // libpq returns no result only when it could not send the statement (connection lost,
        // out of memory); the reason is then on the connection.
        guard let result else { throw PostgresError(connection: handle) }
        // Every PGresult must be PQclear'ed exactly once, whatever its status: decoding copies
        // the cells out before this returns.
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return try PostgresResult(decoding: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw PostgresError(result: result, connection: handle)
        default:
            throw PostgresError(code: .protocol, message: "unexpected result status \(String(cString: PQresStatus(status)))")
        }
    }
}

/// Not Sendable: a `PGconn` must stay on the queue that owns it (see the type's comment).
@available(*, unavailable)
extension PostgresConnection: Sendable {}
