import Foundation
import Logging

/// A TCP relay that forwards every connection made to a local port on to a target server,
/// counting the bytes in each direction, and that can play an outage of the target on demand.
///
/// Design: plain blocking sockets, one accept thread, and for each connection one thread per
/// direction, each sleeping in `recv` or `send`. Relays sit in tests and the bandwidth
/// experiment, with a handful of connections each, so a thread per direction costs nothing
/// that matters and buys simple, obviously correct code: no partial-write bookkeeping, natural
/// back-pressure (a slow reader blocks only its own direction), and a half-close is one
/// `shutdown`. `Shared/Sockets` serves the non-blocking epoll loop of the HTTP server and has no
/// outbound connect, so this module stays on its own, with Glibc, Foundation and pthreads.
/// To end a blocking call, the relay `shutdown`s the socket (which wakes the thread) and closes
/// the descriptor only after the thread is gone, so a number is never closed while in use.
///
/// Call `stop()` when done: the accept thread keeps the relay alive until then.
public final class TCPRelay: @unchecked Sendable {
    // @unchecked: `state` is read and written only under `lock`; the counters live in
    // `RelayTally`, which has its own lock; everything else is immutable.
    public let listenHost: String
    public let listenPort: UInt16
    public let targetHost: String
    public let targetPort: UInt16
    /// How long connecting to the target may take before the client's connection is dropped.
    public let connectTimeout: Duration

    let logger: Logger
    /// Makes the filter of each new connection (`KafkaRelay`'s address rewriting), if any.
    let makeFilter: (@Sendable () -> KafkaAddressFilter)?
    let tally = RelayTally()
    let lock = NSLock()
    var state = State()

    struct State {
        var listener: BlockingSocket?
        var boundPort: UInt16?
        var acceptThread: RelayThread?
        var isStopping = false
        var isBlocked = false
        /// Started connections not yet joined, open or finished.
        var connections: [UInt64: RelayConnection] = [:]
        var nextID: UInt64 = 1
    }

    /// Creates a relay without opening anything.
    /// - Parameters:
    ///   - listenHost: the address to listen on.
    ///   - listenPort: the port to listen on; 0 picks a free one (`start()` returns it).
    ///   - targetHost: the server to forward to.
    ///   - targetPort: its port.
    ///   - connectTimeout: how long connecting to the target may take.
    ///   - logger: where starts, stops, blocks and failures are logged (at `info` or below).
    public convenience init(listenHost: String = "127.0.0.1", listenPort: UInt16 = 0, targetHost: String, targetPort: UInt16,
                            connectTimeout: Duration = .seconds(5), logger: Logger) {
        self.init(listenHost: listenHost, listenPort: listenPort, targetHost: targetHost, targetPort: targetPort,
                  connectTimeout: connectTimeout, logger: logger, makeFilter: nil)
    }

    init(listenHost: String, listenPort: UInt16, targetHost: String, targetPort: UInt16, connectTimeout: Duration,
         logger: Logger, makeFilter: (@Sendable () -> KafkaAddressFilter)?) {
        self.makeFilter = makeFilter
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.connectTimeout = connectTimeout
        var logger = logger
        logger[metadataKey: "relay.target"] = "\(targetHost):\(targetPort)"
        self.logger = logger
    }

    /// The counters, all taken at one instant.
    public var statistics: TCPRelayStatistics { tally.snapshot }
    /// Bytes relayed from clients to the target so far.
    public var bytesUpstream: UInt64 { statistics.bytesUpstream }
    /// Bytes relayed from the target to clients so far.
    public var bytesDownstream: UInt64 { statistics.bytesDownstream }
    /// Connections accepted so far, including those closed at once while blocked.
    public var connectionsAccepted: UInt64 { statistics.connectionsAccepted }
    /// Connections being relayed now.
    public var connectionsOpen: Int { statistics.connectionsOpen }
    /// The port the relay listens on while it runs.
    public var port: UInt16? { lock.withLock { state.boundPort } }
    /// Whether the relay is playing an outage (`block()`).
    public var isBlocked: Bool { lock.withLock { state.isBlocked } }

    /// The name prefix of a relay's threads (`r<port>-accept`, `r<port>-up-<n>`): Linux allows
    /// 15 bytes per thread name.
    public static func threadPrefix(port: UInt16) -> String { "r\(port)-" }

    /// Opens the listening socket and starts accepting.
    /// - Returns: the port the relay listens on.
    /// - Throws: `TCPRelayError` `.alreadyRunning`, `.resolve`, `.listen` or `.thread`.
    @discardableResult
    public func start() throws(TCPRelayError) -> UInt16 {
        lock.lock()
        defer { lock.unlock() }
        guard state.listener == nil, !state.isStopping else {
            throw TCPRelayError(.alreadyRunning, "start", address: state.boundPort.map { "\(listenHost):\($0)" },
                                message: "the relay is already running")
        }
        let listener = try BlockingSocket.listen(host: listenHost, port: listenPort)
        do throws(TCPRelayError) {
            let port = try listener.localPort()
            state.acceptThread = try RelayThread(name: Self.threadPrefix(port: port) + "accept") { [self] in acceptConnections(on: listener) }
            state.listener = listener
            state.boundPort = port
            logger.info("relay started", metadata: ["relay.listen": "\(listenHost):\(port)"])
            return port
        } catch {
            listener.close()
            throw error
        }
    }

    /// Closes the listener and every connection, and returns once all relay threads have ended
    /// and every descriptor is closed. Does nothing if not running; `start()` may follow.
    public func stop() {
        let running = lock.withLock { () -> (BlockingSocket, RelayThread)? in
            guard let listener = state.listener, let thread = state.acceptThread, !state.isStopping else { return nil }
            state.isStopping = true
            return (listener, thread)
        }
        guard let (listener, acceptThread) = running else { return }
        // shutdown wakes the accept thread out of accept() (EINVAL); close only once it is gone.
        listener.shutdownBoth()
        acceptThread.join()
        listener.close()
        dropConnections()
        lock.withLock {
            state = State(isBlocked: state.isBlocked, nextID: state.nextID)
        }
        logger.info("relay stopped")
    }

    /// Plays an outage of the target: drops every open connection (peers see FIN, then RST)
    /// and, until `unblock()`, accepts new connections only to reset them at once. Returns once
    /// the dropped connections are closed. Idempotent.
    public func block() {
        let wasBlocked = lock.withLock {
            defer { state.isBlocked = true }
            return state.isBlocked
        }
        if !wasBlocked { logger.info("relay blocked") }
        dropConnections()
    }

    /// Ends an outage begun by `block()`: new connections are relayed again. Idempotent.
    public func unblock() {
        let wasBlocked = lock.withLock {
            defer { state.isBlocked = false }
            return state.isBlocked
        }
        if wasBlocked { logger.info("relay unblocked") }
    }

    /// Aborts every connection and joins their threads.
    private func dropConnections() {
        let victims = lock.withLock {
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for connection in victims { connection.abort() }
        for connection in victims { connection.join() }
        if !victims.isEmpty {
            logger.debug("relay dropped connections", metadata: ["relay.connections": "\(victims.count)"])
        }
        joinFinishedConnections()
    }
}
