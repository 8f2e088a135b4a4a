/// A complete request: head and body, as the decoder produced it or a test built it.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target, e.g. `/images?plant=a%20b`; setting it updates `path` and `query`.
    public var target: String {
        didSet { (path, query) = HTTPRequest.split(target) }
    }
    /// The target before `?`, not percent-decoded.
    public var path: String
    /// The raw text after the first `?`, if there is one.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// A request, typically for tests; `path` and `query` are derived from `target`.
    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        (self.path, self.query) = HTTPRequest.split(target)
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// Whether the client wants the connection kept open after this exchange (RFC 9112 §9.3):
    /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        var close = false
        var keepAlive = false
        for field in headers where HTTPHeaders.sameName(field.name, "connection") {
            for option in field.value.split(separator: ",") {
                let token = option.trimmingWhitespace()
                if HTTPHeaders.sameName(token, "close") { close = true }
                if HTTPHeaders.sameName(token, "keep-alive") { keepAlive = true }
            }
        }
        if close { return false }
        return version == .http1_1 || keepAlive
    }

    private static func split(_ target: String) -> (path: String, query: String?) {
        guard let mark = target.utf8.firstIndex(of: ASCII.question) else { return (target, nil) }
        let path = String(target[..<mark])
        let query = String(target[target.utf8.index(after: mark)...])
        return (path, query)
    }
}

extension Substring {
    /// The substring without leading and trailing SP/HTAB.
    fileprivate func trimmingWhitespace() -> String {
        let bytes = utf8.drop { ASCII.isWhitespace($0) }
        let trimmed = bytes.reversed().drop { ASCII.isWhitespace($0) }
        return String(decoding: trimmed.reversed(), as: UTF8.self)
    }
}
