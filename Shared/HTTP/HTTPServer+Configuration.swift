extension HTTPServer {
    /// Where the server listens and how it behaves.
    public struct Configuration: Sendable {
        /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
        public var host: String
        /// Port to bind; 0 picks an ephemeral port, which `start()` returns.
        public var port: Int
        /// Size and time limits.
        public var limits: HTTPLimits
        /// Event loop threads; requests run on their connection's loop.
        public var loopCount: Int
        /// How long graceful shutdown waits for in-flight requests before closing connections.
        public var shutdownGracePeriod: Duration
        /// The `listen` backlog.
        public var backlog: Int32

        /// A configuration; the defaults listen on an ephemeral loopback port.
        public init(host: String = "127.0.0.1",
                    port: Int = 0,
                    limits: HTTPLimits = HTTPLimits(),
                    loopCount: Int = 1,
                    shutdownGracePeriod: Duration = .seconds(10),
                    backlog: Int32 = 1024) {
            self.host = host
            self.port = port
            self.limits = limits
            self.loopCount = loopCount
            self.shutdownGracePeriod = shutdownGracePeriod
            self.backlog = backlog
        }
    }
}
