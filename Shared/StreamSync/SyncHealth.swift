import Synchronization

/// Whether the consumer can apply changes right now; `/ready` answers 503 with the reason while
/// it cannot (the consumer DB is down, say).
public final class SyncHealth: Sendable {
    private let problem = Mutex<String?>(nil)

    public init() {}

    /// Nil when healthy, else what is wrong.
    public var currentProblem: String? { problem.withLock { $0 } }

    func degraded(_ reason: String) { problem.withLock { $0 = reason } }
    func recovered() { problem.withLock { $0 = nil } }
}
