import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM while the runner works: the first cancels the run, which then stops
/// every process and relay and drops its databases on its ordinary path; a second one kills
/// the children at once and exits.
final class Interruption: @unchecked Sendable {
    // @unchecked: `sources` is written once in `init` and only read afterwards; `count` is atomic.
    private let count = Atomic<Int>(0)
    private var sources: [any DispatchSourceSignal] = []

    init(first: @escaping @Sendable () -> Void, again: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            // Ignored so that the dispatch source, not the default action, handles it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if count.add(1, ordering: .relaxed).newValue == 1 { first() } else { again() }
            }
            source.resume()
            sources.append(source)
        }
    }

    var happened: Bool { count.load(ordering: .relaxed) > 0 }

    /// Stops listening and restores the default actions.
    func remove() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}
