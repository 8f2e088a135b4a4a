import ExperimentModel

/// Waiting for a condition instead of sleeping a fixed time: every wait of the runner is a
/// poll of a status, a metric or a log with a deadline.
enum Poll {
    /// Calls `condition` every `interval` until it returns a value.
    /// - Throws: `ExperimentError` `.service` after `timeout`, naming `what`; whatever
    ///   `condition` throws; `CancellationError` when the runner is interrupted.
    static func until<T>(_ what: String, timeout: Duration, interval: Duration = .milliseconds(100),
                         _ condition: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await condition() { return value }
            guard ContinuousClock.now < deadline else {
                throw ExperimentError(.service, "timed out after \(timeout) waiting for \(what)")
            }
            try await Task.sleep(for: interval)
        }
    }
}
