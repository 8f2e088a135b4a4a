import HTTP

/// One blocking keep-alive HTTP/1.1 connection to one server. It connects on first use,
/// reuses the socket while the server allows, and reconnects on the next call after an error,
/// a `Connection: close` or an idle close by the server. Not thread-safe: one thread (or one
/// serial queue) owns it; `HTTPClient` puts it behind a `DispatchQueue`.
public final class HTTPClientConnection {
    public let host: String
    public let port: Int
    /// Longest time one exchange may take, connecting included.
    public let timeout: Duration
    private var socket: ClientSocket?
    private var reader: HTTPResponseReader
    /// Where `recv` writes; allocated once, freed in `deinit`.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)

    /// Does not connect yet: the first exchange does.
    public init(host: String, port: Int, timeout: Duration, maxBodyBytes: Int = 64 << 20) {
        self.host = host
        self.port = port
        self.timeout = timeout
        reader = HTTPResponseReader(maxBodyBytes: maxBodyBytes)
    }

    deinit {
        close()
        scratch.deallocate()
    }

    /// Sends a request and reads the whole response.
    /// - Parameters:
    ///   - target: the request-target, e.g. `/image-plant/tomato/7`.
    ///   - headers: extra fields; `Host` and `Content-Length` are added.
    /// - Throws: `HTTPClientError`; the connection is closed then, and the next call reconnects.
    public func execute(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = HTTPHeaders(),
                        body: [UInt8] = []) throws(HTTPClientError) -> HTTPClientResponse {
        try exchange(HTTPRequestEncoding.encode(method, target, host: "\(host):\(port)", headers: headers, body: body),
                     method: method)
    }

    /// Sends `request`, a complete encoded HTTP/1.1 request for `method`, and reads the response.
    ///
    /// A GET or HEAD that fails on a reused connection because the server had closed it is sent
    /// once more on a fresh one; other methods are not, as the server may have acted on them.
    public func exchange(_ request: [UInt8], method: HTTPMethod) throws(HTTPClientError) -> HTTPClientResponse {
        let deadline = ContinuousClock.now + timeout
        let reused = socket != nil
        do {
            return try attempt(request, method: method, deadline: deadline)
        } catch where reused && error.code == .closed && (method == .get || method == .head) {
            return try attempt(request, method: method, deadline: deadline)
        }
    }

    /// Closes the socket, if open.
    public func close() {
        socket?.close()
        socket = nil
    }

    private func attempt(_ request: [UInt8], method: HTTPMethod, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> HTTPClientResponse {
        do {
            if let open = socket, open.isStale { close() }
            let current: ClientSocket
            if let open = socket {
                current = open
            } else {
                current = try ClientSocket.connect(host: host, port: port, deadline: deadline)
                socket = current
                reader.reset()
            }
            try current.sendAll(request, deadline: deadline)
            var source = SocketByteSource(socket: current, scratch: scratch, deadline: deadline)
            let result = try reader.read(for: method, from: &source)
            if !result.keepAlive || reader.hasLeftover { close() }
            return result.response
        } catch {
            close()
            throw error
        }
    }
}
