import TCPRelay

/// A relay as the runner uses it: the plain `TCPRelay` of a database or of a Tansu of the run's
/// own, or the `KafkaRelay` in front of an external cluster.
protocol CountingRelay: AnyObject, Sendable {
    /// Starts listening; returns the port clients connect to first.
    func start() throws(TCPRelayError) -> UInt16
    func stop()
    var statistics: TCPRelayStatistics { get }
    /// The ports its clients connect to, where the kernel's socket counters are read.
    var listeningPorts: [UInt16] { get }
}

extension TCPRelay: CountingRelay {
    var listeningPorts: [UInt16] { port.map { [$0] } ?? [] }
}

extension KafkaRelay: CountingRelay {
    var listeningPorts: [UInt16] { ports }
}
