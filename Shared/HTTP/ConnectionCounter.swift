import Synchronization

/// Counts open connections across all loops, for the connection cap.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)

    /// Takes a slot if fewer than `limit` are taken.
    func acquire(limit: Int) -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives a slot back.
    func release() {
        open.subtract(1, ordering: .relaxed)
    }
}
