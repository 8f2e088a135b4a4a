import Foundation
import Synchronization
import Testing
@testable import ExperimentRunner

/// The runner's interrupt handling across the runs of one process (a sweep): a run after the
/// first still hears SIGINT. Once per test process: the first interrupt is for good.
@Suite struct InterruptionTests {
    final class Heard: Sendable {
        let count = Mutex(0)
    }

    @Test func aLaterRunOfTheProcessStillHearsTheInterrupt() async throws {
        let interruption = Interruption.shared
        try #require(!interruption.happened, "this test needs a process that has not been interrupted")
        await interruption.during(first: { Issue.record("no interrupt was sent during the first run") }, again: {}) {}
        let first = Heard(), again = Heard()
        let arrived = await interruption.during(first: { first.count.withLock { $0 += 1 } },
                                                again: { again.count.withLock { $0 += 1 } }) {
            // To the process, as a terminal or `kill` sends it (libdispatch's source does not see
            // a signal raised at one thread); again until heard, in case the source was not ready.
            let deadline = ContinuousClock.now + .seconds(5)
            while first.count.withLock({ $0 }) == 0, ContinuousClock.now < deadline {
                kill(getpid(), SIGINT)
                try? await Task.sleep(for: .milliseconds(100))
            }
            return first.count.withLock { $0 }
        }
        #expect(arrived == 1, "the second run did not hear SIGINT")
        #expect(interruption.happened)
    }
}
