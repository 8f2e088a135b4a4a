import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import HTTP
import Logging

/// A response as read off the wire by `RawClient`.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking loopback TCP client that writes raw bytes and parses raw responses, so tests see
/// exactly what the server sends. Every read times out after `timeout` instead of hanging.
final class RawClient: @unchecked Sendable {
    // @unchecked Sendable: a test drives its client from one task at a time, and every read
    // runs on `queue`, one after another.
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Reads block (up to `timeout`) waiting for the server: on the cooperative pool they
    /// starved every other task of the test process, the server they wait for among them.
    private let queue = DispatchQueue(label: "leafsync.tests.raw-client")

    /// Connects to 127.0.0.1:`port`.
    init(port: Int, timeout: Duration = .seconds(5)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            let error = HTTPError(.internalServerError, detail: "connect failed: errno \(errno)")
            Glibc.close(fd)
            throw error
        }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        Glibc.close(fd)
    }

    /// Writes `text` in one `send`.
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Runs a blocking read on the client's queue.
    private func blocking<T: Sendable>(_ read: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in queue.async { continuation.resume(returning: read()) } }
    }

    /// Reads one response; `bodyless` for answers to HEAD (headers only).
    func readResponse(bodyless: Bool = false) async -> RawResponse? {
        await blocking { self.readResponseNow(bodyless: bodyless) }
    }

    private func readResponseNow(bodyless: Bool) -> RawResponse? {
        guard let headEnd = fill(until: { $0.firstRange(of: [13, 10, 13, 10]).map(\.upperBound) }) else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd)
        var lines = head.split(separator: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(parts[0]), value: String(parts.count > 1 ? parts[1].drop { $0 == " " } : ""))
        }
        if !bodyless, headers["Transfer-Encoding"] == "chunked" {
            return readChunkedNow().map { RawResponse(status: status, headers: headers, body: $0) }
        }
        let length = bodyless || status == 100 || status == 204 ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        guard fill(until: { $0.count >= length ? length : nil }) != nil else { return nil }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// A chunked body (no extensions or trailers, as our server sends); nil if the connection
    /// ends or the framing breaks before the last chunk.
    private func readChunkedNow() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let lineEnd = fill(until: { $0.firstRange(of: [13, 10]).map(\.upperBound) }),
                  let size = Int(String(decoding: buffer[..<(lineEnd - 2)], as: UTF8.self), radix: 16) else { return nil }
            buffer.removeFirst(lineEnd)
            guard fill(until: { $0.count >= size + 2 ? size + 2 : nil }) != nil, buffer[size] == 13, buffer[size + 1] == 10 else { return nil }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }

    /// Reads until the server closes; returns what came (nil if the read timed out first).
    func readUntilClosed() async -> [UInt8]? {
        await blocking { self.readUntilClosedNow() }
    }

    private func readUntilClosedNow() -> [UInt8]? {
        while true {
            switch receive() {
            case .data: continue
            case .closed:
                defer { buffer = [] }
                return buffer
            case .timedOut:
                return nil
            }
        }
    }

    /// True once the server has closed the connection (EOF or reset) with nothing left unread.
    func isClosedByServer() async -> Bool {
        await readUntilClosed()?.isEmpty == true
    }

    private enum Received { case data, closed, timedOut }

    private func fill(until found: ([UInt8]) -> Int?) -> Int? {
        while true {
            if let position = found(buffer) { return position }
            guard case .data = receive() else { return nil }
        }
    }

    private func receive() -> Received {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return .data
        }
        if count == 0 || errno == ECONNRESET { return .closed }
        return .timedOut
    }
}

/// A responder made of a closure, for tests.
struct ClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        await handler(request)
    }
}

/// Runs `body` against a started server on an ephemeral port, then shuts it down.
func withServer(limits: HTTPLimits = HTTPLimits(), gracePeriod: Duration = .seconds(5),
                handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
                _ body: (HTTPServer, Int) async throws -> Void) async throws {
    let configuration = HTTPServer.Configuration(limits: limits, shutdownGracePeriod: gracePeriod)
    let server = HTTPServer(configuration: configuration, responder: ClosureResponder(handler: handler),
                            logger: Logger(label: "HTTPTests", factory: { _ in SwiftLogNoOpLogHandler() }))
    let port = try server.start()
    do {
        try await body(server, port)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

/// Echoes the method, path and body length, e.g. `GET /a 0`.
@Sendable func echo(_ request: HTTPRequest) async -> HTTPResponse {
    HTTPResponse(body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
}
