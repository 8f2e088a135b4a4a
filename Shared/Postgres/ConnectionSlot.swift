import Dispatch
import Logging
import Sockets

/// One place in a `PostgresPool`: a serial queue and the connection that lives on it, opened
/// on first use and reopened after it breaks.
final class ConnectionSlot: @unchecked Sendable {
    // @unchecked: `connection` is read and written only by blocks running on `queue`, which is
    // serial, or by `queryOnLoop`, whose caller holds the slot: the pool hands a slot to one
    // task at a time, and its lock orders that task's accesses after the previous holder's. So
    // one thread at a time touches it and the PGconn behind it.
    let index: Int
    private let queue: DispatchQueue
    private let parameters: ConnectionParameters
    private let logger: Logger
    private var connection: PostgresConnection?

    init(index: Int, parameters: ConnectionParameters, logger: Logger) {
        self.index = index
        self.queue = DispatchQueue(label: "leafsync.postgres.connection.\(index)")
        self.parameters = parameters
        var logger = logger
        logger[metadataKey: "db.pool.slot"] = "\(index)"
        self.logger = logger
    }

    /// Runs `body` with this slot's connection on the slot's queue, so blocking libpq calls
    /// occupy a Dispatch thread and never one of Swift's cooperative threads.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.runOnQueue(body) })
            }
        }
    }

    /// Runs a statement prepared earlier on the open connection from `loop`'s thread, which
    /// watches the socket instead of a thread blocking on it: no thread hop for the most frequent
    /// statements. The caller must hold the slot.
    /// - Returns: nil, having done nothing, when there is no open connection or the statement is
    ///   not prepared on it yet; `run` does both.
    func queryOnLoop(_ sql: String, _ params: [PostgresValue], loop: EventLoop) async throws(PostgresError) -> PostgresResult? {
        guard let connection, connection.refreshStatus() else { return nil }
        defer { discardUnlessIdle(connection) }
        return try await connection.queryWithoutBlocking(sql, params) { descriptor throws(PostgresError) in
            do {
                try await loop.waitUntilReadable(descriptor)
            } catch {
                throw PostgresError(code: .connection, message: "waiting for the server failed: \(error)")
            }
        }
    }

    /// Closes the connection, if any, once queued work has finished.
    func close() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.connection = nil
                continuation.resume()
            }
        }
    }

    /// Closes the connection after queued work, without waiting for it.
    func scheduleClose() {
        queue.async { self.connection = nil }
    }

    private func runOnQueue<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        dispatchPrecondition(condition: .onQueue(queue))
        let connection = try liveConnection()
        defer { discardUnlessIdle(connection) }
        return try body(connection)
    }

    /// The open connection, or a new one when there is none or the server dropped it while idle.
    private func liveConnection() throws(PostgresError) -> PostgresConnection {
        if let connection {
            if connection.refreshStatus() { return connection }
            logger.info("Reconnecting: PostgreSQL closed an idle connection")
            self.connection = nil
        }
        let connection = try PostgresConnection(parameters: parameters, logger: logger)
        self.connection = connection
        return connection
    }

    /// Drops a connection that broke, or that `body` left inside a transaction, so the next
    /// user gets a fresh session rather than an error or someone else's transaction.
    private func discardUnlessIdle(_ connection: PostgresConnection) {
        guard !connection.isIdle else { return }
        logger.info("Discarding PostgreSQL connection", metadata: [
            "db.connection.state": "\(connection.isConnected ? "left in a transaction" : "broken")",
        ])
        self.connection = nil
    }
}
