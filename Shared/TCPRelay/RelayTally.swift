import Foundation

/// The relay's counters, and the connections that have finished but are not yet joined.
///
/// Its lock is separate from the relay's state lock and never held while taking another, so a
/// connection may report from any thread, even one that holds the relay's state lock.
final class RelayTally: @unchecked Sendable {
    // @unchecked: `statistics` and `finished` are read and written only under `lock`.
    private let lock = NSLock()
    private var statistics = TCPRelayStatistics()
    private var finished: [UInt64] = []

    var snapshot: TCPRelayStatistics { lock.withLock { statistics } }

    func add(_ count: Int, _ direction: RelayConnection.Direction) {
        lock.withLock {
            switch direction {
            case .upstream: statistics.bytesUpstream += UInt64(count)
            case .downstream: statistics.bytesDownstream += UInt64(count)
            }
        }
    }

    func accepted() { lock.withLock { statistics.connectionsAccepted += 1 } }

    func rejected() { lock.withLock { statistics.connectionsRejected += 1 } }

    func opened() { lock.withLock { statistics.connectionsOpen += 1 } }

    /// Records that connection `id` closed its sockets; its threads are about to end.
    func closed(_ id: UInt64) {
        lock.withLock {
            statistics.connectionsOpen -= 1
            finished.append(id)
        }
    }

    /// The connections closed since the last call, for joining.
    func takeFinished() -> [UInt64] {
        lock.withLock {
            defer { finished = [] }
            return finished
        }
    }
}
