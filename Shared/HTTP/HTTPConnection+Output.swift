import Sockets

/// Writing: encoding responses, flushing them with as few writes as the socket allows, and the
/// lingering close that follows a final response.
extension HTTPConnection {
    /// Queues the response to the request in flight, then reads on or closes.
    func finish(_ response: HTTPResponse, exchange: HTTPResponseEncoder.Exchange) {
        guard phase == .responding else { return }  // closed meanwhile (grace period over)
        servedRequests += 1
        var exchange = exchange
        exchange.close = exchange.close || group.isDraining
            || response.headers.values(for: "Connection").contains { HTTPHeaders.sameName($0, "close") }
        HTTPResponseEncoder.encode(response, exchange: exchange, dateLine: group.dateCache.headerLine(), into: &output)
        phase = exchange.close ? .closing : .reading
        flush()
        if phase == .reading { pump() }
    }

    /// Sends `response` with `Connection: close`, then closes: for errors and timeouts.
    func sendFinal(_ response: HTTPResponse) {
        let exchange = HTTPResponseEncoder.Exchange(headOnly: false, close: true, announceKeepAlive: false)
        HTTPResponseEncoder.encode(response, exchange: exchange, dateLine: group.dateCache.headerLine(), into: &output)
        phase = .closing
        flush()
    }

    /// Writes queued output until done or the socket is full (then `.writable` resumes it).
    func flush() {
        while outputOffset < output.count {
            let written: Int?
            do {
                written = try output.withUnsafeBytes { bytes throws(SocketError) in
                    try socket.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
                }
            } catch {
                group.logger.debug("HTTP connection write failed", metadata: ["error.message": "\(error)"])
                close()
                return
            }
            guard let written else {
                if timer != .write {
                    timer = .write
                    deadline = EventLoop.deadline(after: group.limits.writeTimeout)
                }
                return
            }
            outputOffset += written
        }
        // Keep a normal-sized buffer for the next response; give back one that held a big body.
        if output.capacity > 256 * 1024 {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputOffset = 0
        if timer == .write { timer = .none }
        if phase == .closing { startLingering() }
    }

    private func startLingering() {
        // A connection that is only waiting for the client's EOF no longer counts as open.
        group.releaseSlot(of: self)
        socket.shutdownWrite()
        phase = .lingering
        timer = .none
        let linger = group.isDraining ? HTTPConnection.drainingLingerTime : HTTPConnection.lingerTime
        group.loop.schedule(after: linger) { [weak self] in self?.close() }
        drainInput()
    }

    /// Reads and drops input until EOF, then closes.
    func drainInput() {
        let buffer = group.readBuffer
        while readable {
            let count: Int?
            do {
                count = try socket.read(into: buffer)
            } catch {
                close()
                return
            }
            guard let count else {
                readable = false
                return  // wait for more input or the linger deadline
            }
            if count == 0 {
                close()
                return
            }
        }
    }
}
