import ExperimentModel
import Foundation
import HTTP
import HTTPClient
import Primitives

/// A started LeafSync service and its HTTP port: metrics, job control and status.
struct ServiceEndpoint: Sendable {
    let process: ChildProcess
    let port: Int
    private let client: HTTPClient

    var name: String { process.name }

    /// Starts `executable` from `binaries` with `--port 0` and waits for its listening port.
    static func start(_ name: String, executable: String, arguments: [String], context: RunContext) async throws -> ServiceEndpoint {
        let process = try ChildProcess(name: name, executable: context.binaries.appendingPathComponent(executable),
                                       arguments: arguments + ["--port", "0", "--host", "127.0.0.1"],
                                       logDirectory: context.logDirectory)
        context.supervisor.adopt(process)
        let port = try await process.listeningPort(timeout: .seconds(90))
        return ServiceEndpoint(process: process, port: port, client: try HTTPClient(url: "http://127.0.0.1:\(port)", maxConnections: 2))
    }

    /// GET /metrics, parsed.
    func metrics() async throws -> PrometheusText {
        PrometheusText(try await request(.get, "/metrics").text)
    }

    /// POST /job/<command> (start, stop, pause).
    func job(_ command: String) async throws {
        _ = try await request(.post, "/job/\(command)")
    }

    /// Whether the first task of the first job has succeeded since its job last started and
    /// no run is in flight: a db-synchronizer that finished a run.
    func hasFinishedRun() async throws -> Bool {
        guard let task = try await tasks().first else { return false }
        return (task["successes"] as? Int ?? 0) >= 1 && (task["in_flight"] as? Bool) == false
    }

    /// Whether no task of any job has a run in flight.
    func isIdle() async throws -> Bool {
        try await tasks().allSatisfy { ($0["in_flight"] as? Bool) == false }
    }

    /// The tasks of every job in `/job/status`.
    private func tasks() async throws -> [[String: Any]] {
        let body = try await request(.get, "/job/status").body
        let status = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (status?["jobs"] as? [[String: Any]] ?? []).flatMap { $0["tasks"] as? [[String: Any]] ?? [] }
    }

    private func request(_ method: HTTPMethod, _ path: String) async throws -> HTTPClientResponse {
        try process.checkRunning()
        let response: HTTPClientResponse
        do {
            response = try await client.execute(method, path)
        } catch {
            throw ExperimentError(.service, "\(name): \(method) \(path) failed: \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw ExperimentError(.service, "\(name): \(method) \(path) answered \(response.status): \(response.text)")
        }
        return response
    }
}
