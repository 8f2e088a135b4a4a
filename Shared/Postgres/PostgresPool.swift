import Logging
import Primitives
import Sockets

/// A fixed number of PostgreSQL connections, opened on first use, each confined to its own
/// serial `DispatchQueue`.
///
/// Tasks wait for a free connection by suspending, never by blocking a thread; statements run
/// on the connection's queue, off Swift's cooperative pool, except single prepared statements
/// from an event loop's task (`query`), which the loop drives without blocking. A connection
/// that breaks is discarded and the next user of its place opens a new one, so the pool heals
/// by itself after a database restart.
public final class PostgresPool: Sendable {
    private let slots: [ConnectionSlot]
    private let state: Locked<State>
    private let logger: Logger

    private struct State {
        /// Free slots; the most recently used is taken first, so a lightly loaded pool keeps
        /// few connections open.
        var idle: [Int]
        /// Tasks waiting for a slot, first come first served.
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<ConnectionSlot, any Error>
    }

    private enum Release {
        case keep, handOver(Waiter), close
    }

    /// Creates the pool without connecting.
    /// - Parameters:
    ///   - url: a `postgres://` or `postgresql://` URI (or libpq `key=value` string).
    ///   - size: the most connections open at once.
    ///   - connectTimeoutSeconds: libpq's `connect_timeout`, unless the URL sets one.
    /// - Throws: `PostgresError` `.configuration` for a URL libpq cannot parse or a size below 1.
    public init(url: String, size: Int = 4, connectTimeoutSeconds: Int = 5, logger: Logger) throws(PostgresError) {
        guard size > 0 else { throw PostgresError(code: .configuration, message: "pool size must be at least 1, got \(size)") }
        let parameters = try ConnectionParameters(url: url, connectTimeoutSeconds: connectTimeoutSeconds)
        var logger = logger
        logger[metadataKey: "db.system"] = "postgresql"
        self.logger = logger
        slots = (0..<size).map { ConnectionSlot(index: $0, parameters: parameters, logger: logger) }
        state = Locked(State(idle: Array((0..<size).reversed())))
    }

    /// The most connections open at once.
    public var size: Int { slots.count }

    /// Tasks waiting for a free connection now: a pool too small for its load shows here.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` with a connection of the pool on that connection's queue, waiting for one to
    /// be free first.
    /// - Throws: what `body` throws; `PostgresError` `.connection` when no connection can be
    ///   opened, `.closed` after `close()`; `CancellationError` if the task is cancelled
    ///   while waiting (a running `body` is not interrupted).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let slot = try await acquire()
        defer { release(slot) }
        return try await slot.run(body)
    }

    /// Runs one statement on a connection of the pool, as `PostgresConnection.query` does.
    ///
    /// With `loop` (the event loop the calling task runs on, an HTTP handler's), a statement
    /// already prepared on the connection runs there: the loop watches the socket while the
    /// server works, so no thread hop and no blocked thread. Anything else runs on the
    /// connection's queue.
    /// - Throws: as `withConnection` and `PostgresConnection.query`.
    public func query(_ sql: String, _ params: [PostgresValue] = [], prepared: Bool = false,
                      waitingOn loop: EventLoop? = nil) async throws -> PostgresResult {
        let slot = try await acquire()
        defer { release(slot) }
        if prepared, let loop, let result = try await slot.queryOnLoop(sql, params, loop: loop) {
            return result
        }
        return try await slot.run { try $0.query(sql, params, prepared: prepared) }
    }

    /// Runs `body` inside a transaction on a connection of the pool (see `transaction(_:)`).
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.transaction(body) }
    }

    /// Fails waiting and later callers and closes the free connections; connections in use
    /// close when their current `body` returns.
    public func close() async {
        let (waiters, idle) = state.withLock { state -> ([Waiter], [Int]) in
            guard !state.isClosed else { return ([], []) }
            state.isClosed = true
            defer { state.waiters = []; state.idle = [] }
            return (state.waiters, state.idle)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
        for index in idle { await slots[index].close() }
        logger.debug("Closed PostgreSQL pool")
    }

    private static let closedError = PostgresError(code: .closed, message: "the PostgreSQL pool is closed")

    private func acquire() async throws -> ConnectionSlot {
        let fastPath = state.withLock { state -> Result<ConnectionSlot, PostgresError>? in
            if state.isClosed { return .failure(Self.closedError) }
            return state.idle.popLast().map { .success(slots[$0]) }
        }
        if let fastPath { return try fastPath.get() }

        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome = state.withLock { state -> Result<ConnectionSlot, any Error>? in
                    if state.isClosed { return .failure(Self.closedError) }
                    // Checked under the lock, so a cancellation either happened before (seen
                    // here) or finds this waiter in the list (onCancel below).
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let index = state.idle.popLast() { return .success(slots[index]) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ slot: ConnectionSlot) {
        let action = state.withLock { state -> Release in
            if state.isClosed { return .close }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.idle.append(slot.index)
            return .keep
        }
        switch action {
        case .keep: break
        case .handOver(let waiter): waiter.continuation.resume(returning: slot)
        case .close: slot.scheduleClose()
        }
    }
}
