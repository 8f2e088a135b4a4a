import Logging
import Sockets

/// One client connection: decodes requests, answers them one at a time (which keeps pipelined
/// responses in order), writes each response with one write, and enforces the timeouts.
///
/// Phases: `reading` (decoding; a complete request moves it to `responding` while its task
/// runs), `streaming` (a streamed body goes out piece by piece), `closing` (flushing a final
/// response), `lingering` (write side shut, input drained so
/// the close does not reset the connection before the client read the answer), `closed`.
// @unchecked Sendable: every property is touched only on `group.loop`'s thread. The request task
// captures the connection only to hop back there with `executeOrRun`.
final class HTTPConnection: EventHandler, @unchecked Sendable {
    enum Phase { case reading, responding, streaming, closing, lingering, closed }

    /// Which timeout `deadline` belongs to.
    enum Timer: Equatable { case none, read(HTTPDecoder.Progress), write }

    /// How long a lingering close waits for the client's EOF; shorter while the server drains,
    /// since the answer is already out and shutdown waits for this connection.
    static let lingerTime = Duration.seconds(2)
    static let drainingLingerTime = Duration.milliseconds(200)

    let socket: Socket
    /// Holds a slot of the connection cap, until it starts closing (a rejected over-cap
    /// connection never holds one).
    var holdsSlot: Bool
    /// Position in the group's list, for O(1) removal.
    var groupIndex = 0
    unowned let group: ConnectionGroup
    private var decoder: HTTPDecoder
    var phase = Phase.reading
    /// The response being sent: its head (or a whole small answer) and its body, which goes out
    /// beside the head rather than copied behind it (image bodies are ~40 KB). `outputOffset`
    /// counts through both.
    var output: [UInt8] = []
    var outputBody: [UInt8] = []
    var outputOffset = 0
    /// The streamed body being sent (phase `streaming`), how it is framed, whether a piece is
    /// being produced, and whether the connection closes after it.
    var stream: HTTPBodyStream?
    var streamChunked = false
    var streamProducing = false
    var streamCloses = false
    /// A chunk's data went out: the next chunk line starts with its CRLF.
    var streamNeedsCRLF = false
    /// epoll reported input (edge-triggered) that has not been read to the end yet.
    var readable = false
    private var inputClosed = false
    var servedRequests = 0
    var timer = Timer.none
    var deadline: UInt64 = 0

    init(socket: Socket, group: ConnectionGroup, holdsSlot: Bool) {
        self.socket = socket
        self.group = group
        self.holdsSlot = holdsSlot
        self.decoder = HTTPDecoder(limits: group.limits)
    }

    /// Registers with the loop and starts reading.
    func start() throws(SocketError) {
        try group.loop.register(socket, interest: [.readable, .writable, .readHangup, .edgeTriggered], handler: self)
        armReadTimer()
    }

    /// Registers with the loop only to send `response` and close, without reading a request.
    func reject(with response: HTTPResponse) throws(SocketError) {
        try group.loop.register(socket, interest: [.readable, .writable, .readHangup, .edgeTriggered], handler: self)
        sendFinal(response)
    }

    func handleEvents(_ events: IOEvents) {
        if !events.isDisjoint(with: [.readable, .readHangup, .hangup, .error]) { readable = true }
        if events.contains(.writable) && outputOffset < output.count + outputBody.count {
            flush()
        }
        switch phase {
        case .reading: pump()
        case .lingering: drainInput()
        case .responding, .streaming, .closing, .closed: break
        }
    }

    /// Closes the connection now if it is between requests; otherwise the response in progress
    /// will carry `Connection: close`. Used by graceful shutdown.
    func closeIfIdle() {
        if phase == .reading && decoder.progress == .idle && output.isEmpty { close() }
    }

    /// Acts on an expired deadline; called by the group's sweep.
    func checkDeadline(now: UInt64) {
        guard timer != .none, now >= deadline else { return }
        switch timer {
        case .read(.head) where decoder.progress != .idle, .read(.body):
            group.logger.debug("HTTP request read timed out", metadata: ["http.timeout": "\(timer)"])
            sendFinal(HTTPResponse(status: .requestTimeout, detail: "Request not received in time"))
        case .none, .read, .write:
            close()
        }
    }

    /// Closes at once: deregisters, closes the descriptor, leaves the group. Idempotent.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        timer = .none
        group.loop.deregister(socket)
        socket.close()
        group.remove(self)
    }

    /// Decodes and dispatches buffered requests, reading more input when needed.
    func pump() {
        // An unflushed response holds back the next request: a client that does not read its
        // answers cannot make the server buffer more of them.
        while phase == .reading && output.isEmpty {
            do {
                switch try decoder.next() {
                case .request(let request):
                    dispatch(request)
                    return
                case .continueExpected:
                    output.append(contentsOf: HTTPResponseEncoder.continueLine)
                    flush()
                    continue
                case nil:
                    break
                }
            } catch {
                group.logger.debug("HTTP request rejected", metadata: [
                    "http.status": "\(error.status.code)", "error.message": "\(error.detail)",
                ])
                sendFinal(HTTPResponse(status: error.status, detail: error.detail))
                return
            }
            if inputClosed {
                close()
                return
            }
            guard readable else {
                armReadTimer()
                return
            }
            readInput()
        }
    }

    private func readInput() {
        let buffer = group.readBuffer
        do {
            guard let count = try socket.read(into: buffer) else {
                readable = false
                return
            }
            if count == 0 {
                inputClosed = true
                readable = false
                return
            }
            // A short read drained the socket; epoll reports the next arrival as a new edge.
            if count < buffer.count { readable = false }
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        } catch {
            group.logger.debug("HTTP connection read failed", metadata: ["error.message": "\(error)"])
            close()
        }
    }

    private func armReadTimer() {
        var progress = decoder.progress
        if group.isDraining && progress == .idle {
            close()
            return
        }
        // A new connection must deliver its first head in time, like any later head.
        if progress == .idle && servedRequests == 0 { progress = .head }
        guard timer != .read(progress) else { return }
        timer = .read(progress)
        let limits = group.limits
        switch progress {
        case .idle: deadline = EventLoop.deadline(after: limits.idleTimeout)
        case .head: deadline = EventLoop.deadline(after: limits.headerReadTimeout)
        case .body: deadline = EventLoop.deadline(after: limits.bodyReadTimeout)
        }
    }

    /// Hands `request` to the responder in a task on this loop; the answer comes back to `finish`.
    private func dispatch(_ request: HTTPRequest) {
        phase = .responding
        timer = .none
        let keepAlive = request.wantsKeepAlive
        let exchange = HTTPResponseEncoder.Exchange(
            headOnly: request.method == .head, close: !keepAlive,
            announceKeepAlive: keepAlive && request.version == .http1_0, chunked: request.version != .http1_0)
        let responder = group.responder
        let loop = group.loop
        Task(executorPreference: loop) {
            let response = await responder.respond(to: request)
            loop.executeOrRun { self.finish(response, exchange: exchange) }
        }
    }
}
