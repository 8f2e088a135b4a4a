import Foundation
import HTTP
import HTTPClient
import JSON
import TestSupport

/// One of our executables as a real process (output in a temp file), with an HTTP client to it.
final class RunningService: @unchecked Sendable {
    // @unchecked: `process` is only started, signalled and waited on, which Process allows from any thread.
    let name: String
    private let process: Process
    private let output: URL
    private(set) var client: HTTPClient?

    /// The built executables: `LEAFSYNC_BIN_DIR`, else the folder of the test binary, which
    /// SwiftPM builds beside them (whatever the scratch path).
    static var binaries: URL {
        if let directory = ProcessInfo.processInfo.environment["LEAFSYNC_BIN_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Starts `executable` and, unless it is a one-shot tool, waits for its "listening" line.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], listens: Bool = true) async throws {
        name = executable
        output = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-jobs-tests-\(executable)-\(UUID()).log")
        process = try startLoggedProcess(Self.binaries.appendingPathComponent(executable), arguments,
                                         environment: environment, log: output)
        if listens { client = try HTTPClient(url: "http://127.0.0.1:\(try await port())", timeout: .seconds(10)) }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: output)
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }
    var port: Int { client?.port ?? 0 }

    private func port() async throws -> Int {
        try await eventually("\(name) listening", timeout: .seconds(60)) {
            guard process.isRunning else { throw TestFailure("\(name) exited with \(process.terminationStatus):\n\(log)") }
            let line = log.split(separator: "\n").first { $0.contains("listening http.host=") }
            return line?.split(separator: " ").first { $0.hasPrefix("http.port=") }.flatMap { Int($0.dropFirst("http.port=".count)) }
        }
    }

    func terminate() { process.terminate() }

    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await eventually("\(name) to exit", timeout: timeout) { process.isRunning ? nil : process.terminationStatus }
    }

    /// Sends a request; the body as parsed JSON (nil when it is not JSON).
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, token: String? = nil) async throws -> (status: Int, json: JSONValue?, text: String) {
        guard let client else { throw TestFailure("\(name) has no HTTP port") }
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if json != nil { headers.add(name: "Content-Type", value: "application/json") }
        let response = try await client.execute(method, path, headers: headers, body: Array((json ?? "").utf8))
        return (response.status, try? JSONParser.parse(response.body), response.text)
    }
}
