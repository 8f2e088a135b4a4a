/// A test's failure with its own message, for conditions `#expect` cannot state.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` every `interval` until it returns a value; fails after `timeout`. Tests
/// wait for a condition this way (or with `waitUntil`) instead of sleeping a fixed time.
public func eventually<T>(_ what: String, timeout: Duration, every interval: Duration = .milliseconds(50),
                          _ condition: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await condition() { return value }
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// Polls `condition` every `interval` until it holds; fails after `timeout`.
public func waitUntil(_ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(5),
                      _ condition: () async throws -> Bool) async throws {
    _ = try await eventually(what, timeout: timeout, every: interval) { try await condition() ? true : nil }
}
