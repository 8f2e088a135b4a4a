import JSON
import TestSupport

/// What a test reads from `jobs`: its `/job/status` and `/metrics`.
extension RunningService {
    /// Per job its state; per task (`job/task`) its status object.
    func jobStatus(_ query: String = "") async throws -> (states: [String: String], tasks: [String: JSONValue]) {
        let (status, json, text) = try await send(.get, "/job/status\(query)")
        guard status == 200, case .array(let jobs)? = json?["jobs"] else { throw TestFailure("GET /job/status → \(status) \(text)") }
        var states: [String: String] = [:]
        var tasks: [String: JSONValue] = [:]
        for job in jobs {
            guard case .string(let name)? = job["name"], case .string(let state)? = job["state"],
                  case .array(let list)? = job["tasks"] else { throw TestFailure("malformed job in \(text)") }
            states[name] = state
            for task in list {
                if case .string(let taskName)? = task["name"] { tasks["\(name)/\(taskName)"] = task }
            }
        }
        return (states, tasks)
    }

    /// `jobs_operations_total` with outcome `success`, by `job/operation`.
    /// Each task's mean run time in seconds (`job_run_duration_seconds` sum over count), by `job/task`.
    func meanRunSeconds() async throws -> [String: Double] {
        let (status, _, text) = try await send(.get, "/metrics")
        guard status == 200 else { throw TestFailure("GET /metrics → \(status)") }
        var sums: [String: Double] = [:], counts: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("job_run_duration_seconds_sum{") || line.hasPrefix("job_run_duration_seconds_count{") {
            let labels = Self.labels(line)
            guard let job = labels["job"], let task = labels["task"], let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if line.hasPrefix("job_run_duration_seconds_sum") { sums["\(job)/\(task)"] = value } else { counts["\(job)/\(task)"] = value }
        }
        return sums.compactMapValues { $0 }.reduce(into: [:]) { means, entry in
            if let count = counts[entry.key], count > 0 { means[entry.key] = entry.value / count }
        }
    }

    func successfulOperations() async throws -> [String: Int] {
        let (status, _, text) = try await send(.get, "/metrics")
        guard status == 200 else { throw TestFailure("GET /metrics → \(status)") }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("jobs_operations_total{") && line.contains(#"outcome="success""#) {
            let labels = Self.labels(line)
            guard let job = labels["job"], let operation = labels["operation"],
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            counts["\(job)/\(operation)"] = Int(value)
        }
        return counts
    }

    private static func labels(_ line: Substring) -> [String: String] {
        guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") else { return [:] }
        var labels: [String: String] = [:]
        for pair in line[line.index(after: open)..<close].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
        }
        return labels
    }
}

extension JSONValue {
    /// The integer member `key` of an object, or nil.
    func int(_ key: String) -> Int? {
        guard case .number(let number)? = self[key] else { return nil }
        return number.int64.map(Int.init)
    }
}
