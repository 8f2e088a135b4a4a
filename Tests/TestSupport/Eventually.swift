/// A test's failure with its own message, for conditions `#expect` cannot state.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` every 50 ms until it returns a value; fails after `timeout`. Tests wait
/// for a condition this way instead of sleeping a fixed time.
public func eventually<T>(_ what: String, timeout: Duration, _ condition: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await condition() { return value }
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
