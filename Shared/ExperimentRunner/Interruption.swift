import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM while the runner works: the first cancels the run in progress, which then
/// stops every process and relay and drops its databases on its ordinary path; a second one
/// kills the children at once and exits. One for the whole process (`shared`), installed once
/// and never removed: libdispatch installs its own handler only for the first source of a
/// signal, so restoring the default action after a run left every later run of a sweep deaf
/// to both signals. An interrupt between two runs stops the next one before it starts.
final class Interruption: @unchecked Sendable {
    // @unchecked: `sources` is written once in `init` and only kept alive; `state` is a Mutex.
    static let shared = Interruption()

    private struct State {
        var count = 0
        var first: (@Sendable () -> Void)?
        var again: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    private var sources: [any DispatchSourceSignal] = []

    private init() {
        for number in [SIGINT, SIGTERM] {
            // Ignored so that the dispatch source, not the default action, handles it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in received() }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether an interrupt has come since the process started.
    var happened: Bool { state.withLock { $0.count > 0 } }

    /// Runs `body` with interrupts routed to `first` (the first one) and `again` (any later
    /// one); outside of it a later interrupt exits at once.
    func during<T>(first: @escaping @Sendable () -> Void, again: @escaping @Sendable () -> Void,
                   _ body: () async -> T) async -> T {
        state.withLock { $0.first = first; $0.again = again }
        defer { state.withLock { $0.first = nil; $0.again = nil } }
        return await body()
    }

    private func received() {
        let action = state.withLock { state in
            state.count += 1
            return state.count == 1 ? state.first : state.again ?? { exit(130) }
        }
        action?()
    }
}
