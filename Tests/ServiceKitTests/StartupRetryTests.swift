import Logging
import ServiceKit
import Synchronization
import Testing

@Suite struct StartupRetryTests {
    struct Down: Error {}
    let logger = Logger(label: "StartupRetryTests", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func retriesUntilTheDependencyAnswers() async throws {
        let attempts = Mutex(0)
        var retry = StartupRetry(deadline: .seconds(30))
        retry.backoff = Backoff(initial: .milliseconds(1))
        try await retry.run("db", logger: logger) {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt < 4 { throw Down() }
        }
        #expect(attempts.withLock { $0 } == 4)
    }

    @Test func givesUpAtTheDeadlineNamingTheDependency() async throws {
        var retry = StartupRetry(deadline: .milliseconds(50))
        retry.backoff = Backoff(initial: .milliseconds(10))
        let error = await #expect(throws: StartupError.self) {
            try await retry.run("postgres://app:***@127.0.0.1:1/x", logger: logger) { throw Down() }
        }
        #expect(error?.message.contains("postgres://app:***@127.0.0.1:1/x") == true)
    }
}
