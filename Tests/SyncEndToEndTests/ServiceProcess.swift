import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// A minimal JSON-over-HTTP client for the services under test.
struct ServiceClient: Sendable {
    let port: Int

    @discardableResult
    func request(_ method: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
