/// Size and time limits that protect the server from oversized or slow clients.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request line; longer gets 414 URI Too Long.
    public var maxRequestLineBytes: Int
    /// Largest header section (all field lines); larger gets 431.
    public var maxHeaderBytes: Int
    /// Most header fields; more gets 431.
    public var maxHeaderCount: Int
    /// Largest request body, by Content-Length or chunked total; larger gets 413.
    public var maxBodyBytes: Int
    /// Time for a whole request head to arrive, from its first byte (or from accept); stops slowloris.
    public var headerReadTimeout: Duration
    /// Time for a whole request body to arrive, from the end of its head.
    public var bodyReadTimeout: Duration
    /// How long a keep-alive connection may sit between requests.
    public var idleTimeout: Duration
    /// How long a response may wait for a client that does not read it.
    public var writeTimeout: Duration
    /// Most open connections; beyond it a new connection gets 503 and is closed.
    public var maxConnections: Int

    /// Limits with the given values; the defaults suit a public API server.
    public init(maxRequestLineBytes: Int = 8 * 1024,
                maxHeaderBytes: Int = 32 * 1024,
                maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 1024 * 1024,
                headerReadTimeout: Duration = .seconds(10),
                bodyReadTimeout: Duration = .seconds(30),
                idleTimeout: Duration = .seconds(60),
                writeTimeout: Duration = .seconds(30),
                maxConnections: Int = 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerReadTimeout = headerReadTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
    }
}
