#if canImport(Glibc)
import Glibc
#endif

/// One blocking keep-alive HTTP/1.1 client connection, just enough to drive `image-api`: it
/// sends a whole request, reads the status line and headers, and skips a `Content-Length`
/// body. Owned by one thread; it reconnects on the next request after an error or a
/// `Connection: close`.
///
/// Blocking on purpose: each load worker is a thread of its own that sleeps until its
/// request is due, so no event loop is needed, and timing stays the kernel's.
final class HTTPLoadConnection {
    /// Larger response heads are refused (image-api's are a few hundred bytes).
    static let bufferSize = 64 * 1024

    private let host: String
    private let port: Int
    private let timeout: Duration
    private var descriptor: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: bufferSize)

    /// Does not connect yet: the first `exchange` does.
    /// - Parameter timeout: longest wait for a send or a receive (`SO_SNDTIMEO`, `SO_RCVTIMEO`).
    init(host: String, port: Int, timeout: Duration) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    deinit { close() }

    /// Sends `request`, a complete HTTP/1.1 request, and reads the whole response.
    /// - Returns: the response's status code.
    /// - Throws: `SyncBenchError`; the connection is closed then, and the next call reconnects.
    func exchange(_ request: [UInt8]) throws(SyncBenchError) -> Int {
        do {
            if descriptor < 0 { try connect() }
            try sendAll(request)
            return try readResponse()
        } catch {
            close()
            throw error
        }
    }

    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    private func connect() throws(SyncBenchError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw SyncBenchError(.resolve, "getaddrinfo \(host): \(String(cString: gai_strerror(status)))")
        }
        // getaddrinfo allocated the list; it is ours to free on every path.
        defer { freeaddrinfo(list) }
        var lastError = SyncBenchError(.connect, "no address for \(host):\(port)")
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let info = node {
            node = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = .lastCall(.connect, "socket"); continue }
            guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = .lastCall(.connect, "connect \(host):\(port)")
                _ = Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var limit = timeval(tv_sec: Int(timeout.components.seconds),
                                tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            descriptor = fd
            return
        }
        throw lastError
    }

    private func sendAll(_ bytes: [UInt8]) throws(SyncBenchError) {
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a server that went away must give EPIPE, not kill the process.
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw .lastCall(.send, "send")
            }
            sent += count
        }
    }

    /// Reads into `buffer` after its first `filled` bytes; returns how many came.
    private func receive(after filled: Int) throws(SyncBenchError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, $0.count - filled, 0) }
            if count > 0 { return count }
            if count == 0 { throw SyncBenchError(.receive, "the server closed the connection") }
            if Glibc.errno == EINTR { continue }
            throw .lastCall(.receive, "recv")
        }
    }

    private func readResponse() throws(SyncBenchError) -> Int {
        var filled = 0
        var headEnd: Int?
        while headEnd == nil {
            guard filled < buffer.count else { throw SyncBenchError(.protocolViolation, "response head over \(buffer.count) bytes") }
            let searchFrom = max(0, filled - 3)
            filled += try receive(after: filled)
            headEnd = Self.endOfHead(buffer[searchFrom..<filled])
        }
        let head = HTTPResponseHead(buffer[0..<headEnd!])
        guard let status = head.status else { throw SyncBenchError(.protocolViolation, "no HTTP/1.1 status line") }
        let bodyLength: Int
        if let length = head.contentLength {
            bodyLength = length
        } else if status == 204 || status == 304 || (100..<200).contains(status) {
            bodyLength = 0
        } else {
            throw SyncBenchError(.protocolViolation, "status \(status) without Content-Length")
        }
        var missing = bodyLength - (filled - headEnd!)
        while missing > 0 {
            // The body is skipped, not kept: only its end matters.
            missing -= try receive(after: 0)
        }
        guard missing == 0 else { throw SyncBenchError(.protocolViolation, "\(-missing) bytes after the response") }
        if head.closes { close() }
        return status
    }

    /// The index just after the blank line that ends a response head, if `bytes` holds it.
    private static func endOfHead(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index + 4 }
            index += 1
        }
        return nil
    }
}
