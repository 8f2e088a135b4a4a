import ExperimentModel
import Foundation
import Logging
import TCPRelay

/// Where a run's Kafka brokers come from: Tansu brokers of its own, or a cluster that runs
/// already (`--kafka-brokers`).
enum BrokerSource: Sendable, CustomStringConvertible {
    case tansu(URL)
    case external(host: String, port: UInt16)

    /// As results.json records it.
    var description: String {
        switch self {
        case .tansu: "tansu"
        case .external(let host, let port): "external \(host):\(port)"
        }
    }

    /// Reads `host:port` or `[IPv6]:port`: one broker of the cluster (the relay learns the
    /// others from it).
    static func external(_ address: String) throws(ExperimentError) -> BrokerSource {
        let invalid = ExperimentError(.configuration, "--kafka-brokers \(address): expected one broker as host:port "
                                      + "(the relay finds the cluster's other brokers itself)")
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]), port > 0 else {
            throw invalid
        }
        var host = address[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains(where: { $0 == "," || $0 == "[" || $0 == "]" || $0 == "/" || $0.isWhitespace }),
              host.contains(":") == address.hasPrefix("[") else {
            throw invalid
        }
        return .external(host: String(host), port: port)
    }
}

/// One broker hop of the run behind a counting relay, so that every connection a client makes
/// after bootstrapping passes the relay and is counted: either a Tansu of the run's own (in
/// memory) that advertises the relay's address, or an external cluster, whose advertised
/// addresses the relay rewrites to relays of its own (`KafkaRelay`).
struct KafkaBroker: Sendable {
    let name: String
    let relay: any CountingRelay
    /// `host:port` for `--kafka-brokers`: the relay.
    let bootstrap: String
    /// The Tansu process, for a broker of the run's own.
    let process: ChildProcess?

    static func start(name: String, source: BrokerSource, context: RunContext) async throws -> KafkaBroker {
        switch source {
        case .tansu(let tansu): try await startTansu(name: name, tansu: tansu, context: context)
        case .external(let host, let port): try external(name: name, host: host, port: port, context: context)
        }
    }

    /// Starts the relay first (port 0, aimed at a reserved port), then Tansu on the reserved port
    /// advertising the relay, and waits until Tansu accepts connections.
    private static func startTansu(name: String, tansu: URL, context: RunContext) async throws -> KafkaBroker {
        let brokerPort = try PortProbe.freePort()
        let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: brokerPort, logger: context.logger)
        let relayPort = try started(relay, name, context)
        let process = try ChildProcess(name: name, executable: tansu, arguments: [
            "broker",
            "--listener-url", "tcp://127.0.0.1:\(brokerPort)",
            "--advertised-listener-url", "tcp://127.0.0.1:\(relayPort)",
            "--storage-engine", "memory://tansu/",
        ], logDirectory: context.logDirectory)
        context.supervisor.adopt(process)
        _ = try await Poll.until("\(name) (Tansu) on 127.0.0.1:\(brokerPort)", timeout: .seconds(30), interval: .milliseconds(50)) {
            () throws(ExperimentError) -> Bool? in
            try process.checkRunning()
            return PortProbe.accepts(port: brokerPort) ? true : nil
        }
        return KafkaBroker(name: name, relay: relay, bootstrap: "127.0.0.1:\(relayPort)", process: process)
    }

    /// A hop to an external cluster: a relay of its own, so each hop's bytes stay apart even
    /// when both hops use the same cluster.
    private static func external(name: String, host: String, port: UInt16, context: RunContext) throws -> KafkaBroker {
        var logger = context.logger
        logger[metadataKey: "relay.name"] = "\(name)"
        let relay = KafkaRelay(bootstrapHost: host, bootstrapPort: port, logger: logger)
        let relayPort = try started(relay, name, context)
        return KafkaBroker(name: name, relay: relay, bootstrap: "127.0.0.1:\(relayPort)", process: nil)
    }

    /// Starts a relay and hands it to the supervisor; returns the port clients bootstrap from.
    private static func started(_ relay: some CountingRelay, _ name: String, _ context: RunContext) throws(ExperimentError) -> UInt16 {
        let port: UInt16
        do {
            port = try relay.start()
        } catch {
            throw ExperimentError(.process, "\(name): cannot start its relay: \(error)")
        }
        context.supervisor.adopt(relay)
        return port
    }
}
