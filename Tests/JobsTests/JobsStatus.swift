import JSON
import Primitives
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

    /// Each task's mean run time in seconds (`job_run_duration_seconds` sum over count), by `job/task`.
    func meanRunSeconds() async throws -> [String: Double] {
        let metrics = try await prometheus()
        var means: [String: Double] = [:]
        for sum in metrics.series("job_run_duration_seconds_sum") {
            guard let job = sum.labels["job"], let task = sum.labels["task"] else { continue }
            let count = metrics.sum("job_run_duration_seconds_count", ["job": job, "task": task])
            if count > 0 { means["\(job)/\(task)"] = sum.value / count }
        }
        return means
    }

    /// `jobs_operations_total` with outcome `success`, by `job/operation`.
    func successfulOperations() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for sample in try await prometheus().series("jobs_operations_total", ["outcome": "success"]) {
            guard let job = sample.labels["job"], let operation = sample.labels["operation"] else { continue }
            counts["\(job)/\(operation)"] = Int(sample.value)
        }
        return counts
    }

    private func prometheus() async throws -> PrometheusText {
        let (status, _, text) = try await send(.get, "/metrics")
        guard status == 200 else { throw TestFailure("GET /metrics → \(status)") }
        return PrometheusText(text)
    }
}

extension JSONValue {
    /// The integer member `key` of an object, or nil.
    func int(_ key: String) -> Int? {
        guard case .number(let number)? = self[key] else { return nil }
        return number.int64.map(Int.init)
    }
}
