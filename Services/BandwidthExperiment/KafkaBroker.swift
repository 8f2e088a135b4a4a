import Foundation
import Logging
import TCPRelay

/// A Tansu broker of the experiment's own (in memory) behind a counting relay. Tansu
/// advertises the relay's address, so every connection a client makes after bootstrapping
/// also passes the relay and is counted.
struct KafkaBroker: Sendable {
    let name: String
    let relay: TCPRelay
    let process: ChildProcess

    /// `host:port` for `--kafka-brokers`: the relay.
    var bootstrap: String { "127.0.0.1:\(relay.port ?? 0)" }

    /// Starts the relay first (port 0, aimed at a reserved port), then Tansu on the reserved port
    /// advertising the relay, and waits until Tansu accepts connections.
    static func start(name: String, tansu: URL, logDirectory: URL, supervisor: Supervisor,
                      logger: Logger) async throws -> KafkaBroker {
        let brokerPort = try PortProbe.freePort()
        let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: brokerPort, logger: logger)
        let relayPort: UInt16
        do {
            relayPort = try relay.start()
        } catch {
            throw ExperimentError(.process, "\(name): cannot start its relay: \(error)")
        }
        supervisor.adopt(relay)
        let process = try ChildProcess(name: name, executable: tansu, arguments: [
            "broker",
            "--listener-url", "tcp://127.0.0.1:\(brokerPort)",
            "--advertised-listener-url", "tcp://127.0.0.1:\(relayPort)",
            "--storage-engine", "memory://tansu/",
        ], logDirectory: logDirectory)
        supervisor.adopt(process)
        _ = try await Poll.until("\(name) (Tansu) on 127.0.0.1:\(brokerPort)", timeout: .seconds(30), interval: .milliseconds(50)) {
            () throws(ExperimentError) -> Bool? in
            try process.checkRunning()
            return PortProbe.accepts(port: brokerPort) ? true : nil
        }
        return KafkaBroker(name: name, relay: relay, process: process)
    }
}
