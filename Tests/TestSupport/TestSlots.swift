import Foundation
import Synchronization

/// Admits at most `capacity` bodies at a time, first come first served.
///
/// Swift Testing starts every test at once. On a two-core machine two dozen multi-process
/// clusters (each an image-api, a consumer, their librdkafka threads) beside one Python
/// MongoDB-compatible server made single requests take seconds, and tests failed on waits
/// that are generous on a machine doing one thing (issue 17). Bounding the clusters bounds
/// that, for every test and every timeout at once.
///
/// A waiting body with a higher priority goes first (the longest tests, so that none of them
/// starts last and ends the run alone); equal priorities go in arrival order.
public final class TestSlots: Sendable {
    private struct Waiter {
        let priority: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
    }

    private let state: Mutex<State>

    public init(capacity: Int) {
        precondition(capacity > 0, "test slots need room for one test")
        state = Mutex(State(available: capacity))
    }

    /// Multi-process clusters at once: `LEAFSYNC_TEST_CLUSTERS`, else 4.
    public static let clusters = TestSlots(capacity: ProcessInfo.processInfo.environment["LEAFSYNC_TEST_CLUSTERS"]
        .flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 4)

    /// Runs `body` once a slot is free for it, and frees it after.
    public func with<T>(priority: Int = 0, _ body: () async throws -> T) async throws -> T {
        await acquire(priority: priority)
        defer { release() }
        return try await body()
    }

    private func acquire(priority: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.available > 0 else {
                    state.waiters.append(Waiter(priority: priority, continuation: continuation))
                    return false
                }
                state.available -= 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // The earliest arrival of the highest priority.
            guard let top = state.waiters.map(\.priority).max(),
                  let index = state.waiters.firstIndex(where: { $0.priority == top }) else {
                state.available += 1
                return nil
            }
            return state.waiters.remove(at: index).continuation
        }
        next?.resume()
    }
}
