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
            || (response.stream != nil && !exchange.chunked)
        if queue(response, exchange: exchange), let stream = response.stream {
            self.stream = stream
            (streamChunked, streamCloses, streamNeedsCRLF) = (exchange.chunked, exchange.close, false)
            phase = .streaming
            flush()
            return
        }
        phase = exchange.close ? .closing : .reading
        flush()
        if phase == .reading { pump() }
    }

    /// Asks the stream for its next piece, off the loop; the answer comes back to `send`.
    private func produceNextPiece() {
        guard let stream, !streamProducing else { return }
        streamProducing = true
        let loop = group.loop
        Task(executorPreference: loop) {
            let piece: Result<[UInt8]?, any Error>
            do { piece = .success(try await stream.next()) } catch { piece = .failure(error) }
            loop.executeOrRun { self.send(piece) }
        }
    }

    /// Queues a produced piece (or the end of the body) and flushes it.
    private func send(_ piece: Result<[UInt8]?, any Error>) {
        streamProducing = false
        guard phase == .streaming else { return }  // closed meanwhile
        switch piece {
        case .success(let bytes?) where bytes.isEmpty:
            produceNextPiece()
        case .success(let bytes?):
            if streamChunked {
                if streamNeedsCRLF { output.append(contentsOf: [ASCII.cr, ASCII.lf]) }
                output.append(contentsOf: String(bytes.count, radix: 16).utf8)
                output.append(contentsOf: [ASCII.cr, ASCII.lf])
                streamNeedsCRLF = true
            }
            outputBody = bytes
            flush()
        case .success(nil):
            if streamChunked {
                if streamNeedsCRLF { output.append(contentsOf: [ASCII.cr, ASCII.lf]) }
                output.append(contentsOf: "0\r\n\r\n".utf8)
            }
            stream = nil
            phase = streamCloses ? .closing : .reading
            flush()
            if phase == .reading { pump() }
        case .failure(let error):
            group.logger.warning("HTTP response body failed after its head was sent; closing the connection",
                                 metadata: ["error.message": "\(error)"])
            close()
        }
    }

    /// Sends `response` with `Connection: close`, then closes: for errors and timeouts.
    func sendFinal(_ response: HTTPResponse) {
        let exchange = HTTPResponseEncoder.Exchange(headOnly: false, close: true, announceKeepAlive: false)
        queue(response, exchange: exchange)
        phase = .closing
        flush()
    }

    /// Puts `response` in the empty output: its head in `output`, the body (if sent) beside it.
    /// Returns whether the body follows the head.
    @discardableResult
    private func queue(_ response: HTTPResponse, exchange: HTTPResponseEncoder.Exchange) -> Bool {
        guard HTTPResponseEncoder.encodeHead(response, exchange: exchange, dateLine: group.dateCache.headerLine(), into: &output) else {
            return false
        }
        outputBody = response.body
        return true
    }

    /// Writes queued output until done or the socket is full (then `.writable` resumes it).
    func flush() {
        while outputOffset < output.count + outputBody.count {
            let written: Int?
            do {
                written = try output.withUnsafeBytes { head in
                    try outputBody.withUnsafeBytes { body in
                        try socket.write(UnsafeRawBufferPointer(rebasing: head[min(outputOffset, head.count)...]),
                                         UnsafeRawBufferPointer(rebasing: body[max(0, outputOffset - head.count)...]))
                    }
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
        outputBody = []
        outputOffset = 0
        if timer == .write { timer = .none }
        if phase == .streaming { produceNextPiece() }
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
