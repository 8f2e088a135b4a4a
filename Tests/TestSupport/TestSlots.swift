import Foundation
import Synchronization

/// Admits at most `capacity` bodies at a time, first come first served.
///
/// Swift Testing starts every test at once. On a two-core machine two dozen multi-process
/// clusters (each an image-api, a consumer, their librdkafka threads) beside one Python
/// MongoDB-compatible server made single requests take seconds, and tests failed on waits
/// that are generous on a machine doing one thing (issue 17). Bounding the clusters bounds
/// that, for every test and every timeout at once.
public final class TestSlots: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    public init(capacity: Int) {
        precondition(capacity > 0, "test slots need room for one test")
        state = Mutex(State(available: capacity))
    }

    /// Multi-process clusters at once: `LEAFSYNC_TEST_CLUSTERS`, else 4.
    public static let clusters = TestSlots(capacity: ProcessInfo.processInfo.environment["LEAFSYNC_TEST_CLUSTERS"]
        .flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 4)

    /// Runs `body` once a slot is free, and frees it after.
    public func with<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.available > 0 else {
                    state.waiters.append(continuation)
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
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
