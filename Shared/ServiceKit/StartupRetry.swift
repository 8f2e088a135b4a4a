import Logging

/// Waits for a dependency at startup: retries `attempt` with capped exponential backoff and a
/// log line per failure, until it succeeds or `deadline` passes.
public struct StartupRetry: Sendable {
    public var deadline: Duration
    /// The delays between attempts.
    public var backoff = Backoff()

    public init(deadline: Duration) { self.deadline = deadline }

    /// - Parameters:
    ///   - what: names the dependency in logs and the final error, e.g. `postgres://app:***@db/x`.
    /// - Throws: `StartupError` after the deadline, naming `what` and the last failure.
    public func run(_ what: String, logger: Logger, _ attempt: @Sendable () async throws -> Void) async throws {
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: deadline)
        var backoff = self.backoff
        var tries = 0
        while true {
            tries += 1
            do {
                try await attempt()
                if tries > 1 { logger.info("dependency reachable", metadata: ["dependency": "\(what)", "attempts": "\(tries)"]) }
                return
            } catch {
                let remaining = clock.now.duration(to: giveUp)
                guard remaining > .zero else {
                    throw StartupError(message: "\(what) not reachable after \(tries) attempts in \(deadline): \(error)")
                }
                let delay = min(backoff.failed(), remaining)
                logger.warning("dependency not reachable, retrying", metadata: [
                    "dependency": "\(what)", "error": "\(error)", "retry.in": "\(delay)",
                ])
                try await Task.sleep(for: delay)
            }
        }
    }
}

/// A service could not start; the message says what and why.
public struct StartupError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
