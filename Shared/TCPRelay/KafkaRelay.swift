import Foundation
import Logging

/// A counting relay in front of a Kafka cluster that advertises its own addresses: a broker
/// started elsewhere (Apache Kafka in compose, a cluster reached from a pod).
///
/// A plain `TCPRelay` sees only the bootstrap connection there: the Metadata response names
/// each broker's own address, and the client connects to it directly. This relay rewrites the
/// broker addresses in Metadata and FindCoordinator responses to relays of its own, one per
/// broker, started the first time a response names it; so every connection a client makes
/// passes a relay, and `statistics` is their sum. What the client receives is counted after the
/// rewrite, as the client's own socket sees it.
public final class KafkaRelay: @unchecked Sendable {
    // @unchecked: `relays` and `isStopped` are touched only under `lock`.
    public let bootstrapHost: String
    public let bootstrapPort: UInt16
    private let listenHost: String
    private let logger: Logger
    private let lock = NSLock()
    private var relays: [KafkaBrokerAddress: TCPRelay] = [:]
    private var isStopped = false

    /// - Parameters:
    ///   - bootstrapHost: one broker of the cluster, as clients would bootstrap from it.
    ///   - listenHost: where the relays listen, and the host clients are told.
    public init(bootstrapHost: String, bootstrapPort: UInt16, listenHost: String = "127.0.0.1", logger: Logger) {
        self.bootstrapHost = bootstrapHost
        self.bootstrapPort = bootstrapPort
        self.listenHost = listenHost
        self.logger = logger
    }

    /// Starts the bootstrap relay.
    /// - Returns: its port: give clients `listenHost:port` as their bootstrap servers.
    /// - Throws: `TCPRelayError` as `TCPRelay.start()`.
    @discardableResult
    public func start() throws(TCPRelayError) -> UInt16 {
        try relay(for: KafkaBrokerAddress(host: bootstrapHost, port: Int32(bootstrapPort))).port
    }

    /// `host:port` of the bootstrap relay while it runs.
    public var bootstrap: String? {
        lock.withLock { relays[KafkaBrokerAddress(host: bootstrapHost, port: Int32(bootstrapPort))]?.port }
            .map { "\(listenHost):\($0)" }
    }

    /// The ports of the relays so far: the bootstrap's and one per broker met in a response
    /// (one port serves a broker that is also the bootstrap address).
    public var ports: [UInt16] { lock.withLock { relays.values.compactMap(\.port) } }

    /// The counters of every broker's relay, added up.
    public var statistics: TCPRelayStatistics {
        lock.withLock { Array(relays.values) }.map(\.statistics).reduce(into: TCPRelayStatistics()) { sum, one in
            sum.bytesUpstream += one.bytesUpstream
            sum.bytesDownstream += one.bytesDownstream
            sum.connectionsAccepted += one.connectionsAccepted
            sum.connectionsRejected += one.connectionsRejected
            sum.connectionsOpen += one.connectionsOpen
        }
    }

    /// Stops every relay; returns once all their threads have ended.
    public func stop() {
        let running = lock.withLock {
            isStopped = true
            return Array(relays.values)
        }
        for relay in running { relay.stop() }
    }

    /// The running relay of a broker, started on first use.
    private func relay(for broker: KafkaBrokerAddress) throws(TCPRelayError) -> (relay: TCPRelay, port: UInt16) {
        lock.lock()
        defer { lock.unlock() }
        if let relay = relays[broker], let port = relay.port { return (relay, port) }
        guard !isStopped, let port = UInt16(exactly: broker.port), port > 0 else {
            throw TCPRelayError(.resolve, "relay", address: broker.description, message: "no relay for this broker")
        }
        var logger = logger
        logger[metadataKey: "kafka.broker"] = "\(broker)"
        let relay = TCPRelay(listenHost: listenHost, listenPort: 0, targetHost: broker.host, targetPort: port,
                             connectTimeout: .seconds(5), logger: logger) { [weak self, logger] in
            KafkaAddressFilter(logger: logger) { [weak self] in self?.clientAddress(of: $0) }
        }
        let listening = try relay.start()
        relays[broker] = relay
        return (relay, listening)
    }

    /// What clients are told instead of a broker's own address; nil keeps it (no such broker,
    /// as in a FindCoordinator error, or no relay could start, which is logged).
    private func clientAddress(of broker: KafkaBrokerAddress) -> KafkaBrokerAddress? {
        guard broker.port > 0, !broker.host.isEmpty else { return nil }
        do {
            return KafkaBrokerAddress(host: listenHost, port: Int32(try relay(for: broker).port))
        } catch {
            logger.warning("no relay for a broker; its clients bypass the count", metadata: [
                "kafka.broker": "\(broker)", "error": "\(error)",
            ])
            return nil
        }
    }
}
