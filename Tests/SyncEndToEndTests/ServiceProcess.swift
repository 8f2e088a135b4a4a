import Foundation
import HTTP
import HTTPClient
import TestSupport

/// One of our executables run as a real process, its output in a log file, so tests can
/// SIGKILL it at any moment and start it again.
final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `process` is only started, signalled and waited on, which Process allows from any thread.
    let name: String
    let process: Process
    let logURL: URL

    /// Where the built executables are: `LEAFSYNC_BIN_DIR`, else this checkout's `.build/debug`.
    static var binaryDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["LEAFSYNC_BIN_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        name = executable
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-\(executable)-\(UUID().uuidString).log")
        process = try startLoggedProcess(Self.binaryDirectory.appendingPathComponent(executable), arguments,
                                         environment: environment, log: logURL)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The port from the service's "listening" log line.
    func listeningPort(timeout: Duration = .seconds(60)) async throws -> Int {
        try await eventually("\(name) listening", timeout: timeout) {
            guard process.isRunning else { throw TestFailure("\(name) exited with \(process.terminationStatus):\n\(log)") }
            guard let range = log.range(of: "listening http.host=") else { return nil }
            let rest = log[range.upperBound...]
            guard let port = rest.range(of: "http.port=").flatMap({ Int(rest[$0.upperBound...].prefix { $0.isNumber }) }) else { return nil }
            return port
        }
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to end and returns its exit status; if it does not, the failure
    /// carries where its threads are.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        do {
            return try await eventually("\(name) exit", timeout: timeout) { process.isRunning ? nil : process.terminationStatus }
        } catch {
            throw TestFailure("\(error)\n--- \(name) stacks ---\n\(await stackDump(of: process.processIdentifier))")
        }
    }
}

/// A minimal JSON-over-HTTP client for the services under test, on the project's own
/// `HTTPClient` (keep-alive connections, a deadline on every wait): lighter on the test
/// process than `URLSession`, whose cancellation can also deadlock swift-corelibs-foundation.
struct ServiceClient: Sendable {
    let port: Int
    private let client: HTTPClient

    init(port: Int) {
        self.port = port
        // A loopback URL of a port number is always valid, so this cannot throw.
        client = try! HTTPClient(url: "http://127.0.0.1:\(port)", timeout: .seconds(60), maxConnections: 32)
    }

    @discardableResult
    func request(_ method: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: Data) {
        let headers: HTTPHeaders = json == nil ? HTTPHeaders() : ["Content-Type": "application/json"]
        let response = try await client.execute(HTTPMethod(method), path, headers: headers, body: Array((json ?? "").utf8))
        return (response.status, Data(response.body))
    }
}
