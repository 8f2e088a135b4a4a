#if canImport(Glibc)
import Glibc
#endif
import Logging
import Sockets
import Synchronization

/// An HTTP/1.1 server on BSD sockets and epoll loops.
///
/// `start()` binds and returns the port, `run()` returns once `shutdown()` has finished: the
/// listener is closed, idle keep-alive connections are closed, in-flight requests are answered
/// (with `Connection: close`), and connections still open after the grace period are cut.
public final class HTTPServer: Sendable {
    private enum Lifecycle {
        case idle
        case running(Running)
        case stopping(Running)
        case stopped
    }

    private struct Running: Sendable {
        var loops: [EventLoop]
        var groups: [ConnectionGroup]
        var acceptor: Acceptor
        var port: Int
    }

    private struct State {
        var lifecycle = Lifecycle.idle
        var drainingGroups = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public let configuration: Configuration
    private let responder: any HTTPResponder
    private let logger: Logger
    private let counter = ConnectionCounter()
    private let state = Mutex(State())

    /// A server that will answer every request with `responder`.
    public init(configuration: Configuration, responder: some HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// Binds, listens and starts the loops; does nothing more if already started.
    /// - Throws: `SocketError` naming the address and errno if binding fails, or if the server
    ///   was already shut down (`ESHUTDOWN`).
    /// - Returns: the bound port (the real one when the configuration says 0).
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { (state) throws(SocketError) -> Int in
            switch state.lifecycle {
            case .running(let running), .stopping(let running):
                return running.port
            case .stopped:
                throw SocketError("start", address: "\(configuration.host):\(configuration.port)", code: ESHUTDOWN)
            case .idle:
                let running = try launch()
                state.lifecycle = .running(running)
                return running.port
            }
        }
    }

    /// Starts if needed and returns once `shutdown()` has completed. Cancelling the calling task
    /// begins a graceful shutdown.
    /// - Throws: `SocketError` if the server cannot start.
    public func run() async throws {
        let stopped = state.withLock { state in
            if case .stopped = state.lifecycle { return true }
            return false
        }
        if stopped { return }
        try start()
        await withTaskCancellationHandler {
            await waitUntilStopped()
        } onCancel: {
            beginShutdown()
        }
    }

    /// Shuts down gracefully and returns when done. Idempotent; concurrent callers all wait.
    public func shutdown() async {
        beginShutdown()
        await waitUntilStopped()
    }

    private func launch() throws(SocketError) -> Running {
        let listener = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        var loops: [EventLoop] = []
        do throws(SocketError) {
            let address = try listener.localAddress()
            for _ in 0..<max(1, configuration.loopCount) {
                let loop = try EventLoop()
                try loop.start()
                loops.append(loop)
            }
            let groups = loops.map {
                ConnectionGroup(loop: $0, responder: responder, limits: configuration.limits, logger: logger, counter: counter)
            }
            let acceptor = Acceptor(listener: listener, groups: groups, counter: counter,
                                    maxConnections: configuration.limits.maxConnections, logger: logger)
            acceptor.loop.execute { acceptor.start() }
            for group in groups { group.loop.execute { group.startSweeping() } }
            logger.info("HTTP server listening", metadata: ["http.address": "\(address)"])
            return Running(loops: loops, groups: groups, acceptor: acceptor, port: address.port)
        } catch {
            for loop in loops { loop.stop() }
            listener.close()
            throw error
        }
    }

    /// Moves a running server to stopping and starts draining; an idle one is simply stopped.
    private func beginShutdown() {
        let running = state.withLock { state -> Running? in
            switch state.lifecycle {
            case .idle:
                state.lifecycle = .stopped
                return nil
            case .running(let running):
                state.lifecycle = .stopping(running)
                state.drainingGroups = running.groups.count
                return running
            case .stopping, .stopped:
                return nil
            }
        }
        guard let running else { return }
        logger.info("HTTP server shutting down")
        let gracePeriod = configuration.shutdownGracePeriod
        let acceptor = running.acceptor
        // Close the listener first; connections it handed out before are already queued on their
        // loops ahead of the shutdown work below.
        acceptor.loop.execute {
            acceptor.stop()
            for group in running.groups {
                group.loop.execute {
                    group.beginShutdown(gracePeriod: gracePeriod) { self.groupDrained() }
                }
            }
        }
    }

    private func groupDrained() {
        let finished = state.withLock { state -> (Running, [CheckedContinuation<Void, Never>])? in
            state.drainingGroups -= 1
            guard state.drainingGroups == 0, case .stopping(let running) = state.lifecycle else { return nil }
            state.lifecycle = .stopped
            defer { state.waiters = [] }
            return (running, state.waiters)
        }
        guard let (running, waiters) = finished else { return }
        for loop in running.loops { loop.stop() }
        logger.info("HTTP server stopped")
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { state in
                if case .stopped = state.lifecycle { return true }
                state.waiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }
}
