import Logging
import Sockets

/// The connections of one event loop, with what they share: the responder, the limits, a read
/// buffer, the `Date` cache and the timeout sweep.
// @unchecked Sendable: like its connections, it is touched only on `loop`'s thread; other
// threads reach it through `loop.execute`.
final class ConnectionGroup: @unchecked Sendable {
    let loop: EventLoop
    let responder: any HTTPResponder
    let limits: HTTPLimits
    let logger: Logger
    /// Scratch space for every read on this loop; data is copied into each connection's decoder.
    let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = HTTPDateCache()
    /// True once graceful shutdown began: idle connections close, responses carry `Connection: close`.
    private(set) var isDraining = false
    private var connections: [HTTPConnection] = []
    private let counter: ConnectionCounter
    private var onDrained: (() -> Void)?

    init(loop: EventLoop, responder: any HTTPResponder, limits: HTTPLimits, logger: Logger, counter: ConnectionCounter) {
        self.loop = loop
        self.responder = responder
        self.limits = limits
        self.logger = logger
        self.counter = counter
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Takes over an accepted socket, which holds a slot of the connection cap, and serves it.
    func adopt(_ socket: Socket) {
        let connection = add(socket, holdsSlot: true)
        do {
            try connection.start()
        } catch {
            logger.debug("HTTP connection could not be registered", metadata: ["error.message": "\(error)"])
            connection.close()
        }
    }

    /// Takes over an accepted socket beyond the connection cap: answers 503 and closes.
    func adoptOverCapacity(_ socket: Socket) {
        let connection = add(socket, holdsSlot: false)
        do {
            try connection.reject(with: HTTPResponse(status: .serviceUnavailable, detail: "server busy"))
        } catch {
            connection.close()
        }
    }

    /// Forgets a closed connection; called by the connection itself.
    func remove(_ connection: HTTPConnection) {
        let index = connection.groupIndex
        let last = connections.removeLast()
        if last !== connection {
            connections[index] = last
            last.groupIndex = index
        }
        releaseSlot(of: connection)
        if isDraining && connections.isEmpty, let onDrained {
            self.onDrained = nil
            onDrained()
        }
    }

    /// Gives back the connection's slot of the cap, if it still holds one.
    func releaseSlot(of connection: HTTPConnection) {
        guard connection.holdsSlot else { return }
        connection.holdsSlot = false
        counter.release()
    }

    /// Checks every connection's deadline now and again, at a quarter of the shortest timeout
    /// (between 10 ms and 1 s), so a timeout fires at most 25% late.
    func startSweeping() {
        let shortest = [limits.headerReadTimeout, limits.bodyReadTimeout, limits.idleTimeout, limits.writeTimeout].min()!
        let interval = min(max(shortest / 4, .milliseconds(10)), .seconds(1))
        sweep(every: interval)
    }

    /// Begins graceful shutdown: idle connections close now, busy ones after their response, and
    /// any left after `gracePeriod` are closed; `onDrained` runs once none remain.
    func beginShutdown(gracePeriod: Duration, onDrained: @escaping () -> Void) {
        isDraining = true
        self.onDrained = onDrained
        for connection in connections { connection.closeIfIdle() }
        loop.schedule(after: gracePeriod) { [self] in
            if !connections.isEmpty {
                logger.info("HTTP shutdown grace period over, closing connections",
                            metadata: ["http.connections": "\(connections.count)"])
            }
            for connection in connections { connection.close() }
        }
        if connections.isEmpty {
            self.onDrained = nil
            onDrained()
        }
    }

    private func add(_ socket: Socket, holdsSlot: Bool) -> HTTPConnection {
        let connection = HTTPConnection(socket: socket, group: self, holdsSlot: holdsSlot)
        connection.groupIndex = connections.count
        connections.append(connection)
        return connection
    }

    private func sweep(every interval: Duration) {
        loop.schedule(after: interval) { [self] in
            let now = EventLoop.now()
            for connection in connections { connection.checkDeadline(now: now) }
            if !(isDraining && connections.isEmpty) { sweep(every: interval) }
        }
    }
}
