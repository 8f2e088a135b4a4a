import Synchronization

/// A version number that waiters can wait past: the controller bumps it on every state change
/// (start, pause, stop, a run finishing) so that schedulers and paused runs re-examine the state.
final class ChangeSignal: Sendable {
    private struct State {
        var version = 0
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The current version; pass it to `wait(past:)` after reading the state it guards.
    var version: Int { state.withLock { $0.version } }

    /// Announces a change and wakes every waiter.
    func bump() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.version += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the version is past `seen`, or the task is cancelled.
    func wait(past seen: Int) async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state -> Bool in
                    guard state.version == seen, !Task.isCancelled else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                if !waiting { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
