import Logging
import Sockets

/// Accepts connections on the listening socket and deals them out to the loops' groups.
// @unchecked Sendable: touched only on `loop`'s thread (it is created elsewhere, then only
// reached through `loop.execute`).
final class Acceptor: EventHandler, @unchecked Sendable {
    /// How long to stop accepting after running out of file descriptors.
    private static let backoff = Duration.milliseconds(100)

    let loop: EventLoop
    private let listener: Socket
    /// The group on the acceptor's own loop.
    private let home: ConnectionGroup
    private let groups: [ConnectionGroup]
    private let counter: ConnectionCounter
    private let maxConnections: Int
    private let logger: Logger
    private var nextGroup = 0
    private var listening = false
    private var stopped = false

    /// An acceptor running on the loop of `groups[0]`.
    init(listener: Socket, groups: [ConnectionGroup], counter: ConnectionCounter, maxConnections: Int, logger: Logger) {
        self.listener = listener
        self.home = groups[0]
        self.loop = groups[0].loop
        self.groups = groups
        self.counter = counter
        self.maxConnections = maxConnections
        self.logger = logger
    }

    /// Starts watching the listening socket (level-triggered: a backlog left after one batch
    /// wakes the loop again).
    func start() {
        guard !stopped else { return }
        do {
            try loop.register(listener, interest: .readable, handler: self)
            listening = true
        } catch {
            logger.info("HTTP listener could not be registered", metadata: ["error.message": "\(error)"])
        }
    }

    /// Stops accepting and closes the listening socket. Idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if listening { loop.deregister(listener) }
        listening = false
        listener.close()
    }

    func handleEvents(_ events: IOEvents) {
        // A bounded batch keeps one busy listener from starving the connections on this loop.
        for _ in 0..<64 {
            let socket: Socket?
            do {
                socket = try listener.accept()
            } catch {
                pause(after: error)
                return
            }
            guard let socket else { return }
            hand(socket)
        }
    }

    private func hand(_ socket: Socket) {
        guard counter.acquire(limit: maxConnections) else {
            // Over the cap: answer 503 from this loop rather than leave the client waiting.
            home.adoptOverCapacity(socket)
            return
        }
        let group = groups[nextGroup]
        nextGroup = (nextGroup + 1) % groups.count
        group.loop.executeOrRun { group.adopt(socket) }
    }

    /// Out of descriptors (EMFILE/ENFILE) or similar: the level-triggered listener would wake
    /// the loop at once again, so stop watching it for a moment.
    private func pause(after error: SocketError) {
        logger.info("HTTP accept failed, pausing", metadata: ["error.message": "\(error)"])
        guard listening else { return }
        loop.deregister(listener)
        listening = false
        loop.schedule(after: Acceptor.backoff) { [self] in start() }
    }
}
