import Foundation
import Logging
import Synchronization

/// The recent lines of a job's log, a ring of fixed capacity: old lines drop off.
final class JobLog: Sendable {
    /// Shared by every job of the process so that lines of several jobs merge in order.
    private static let sequence = Atomic<Int>(0)

    private struct Ring {
        var lines: [JobLogLine] = []
        var start = 0
    }

    private let capacity: Int
    private let ring = Mutex(Ring())

    init(capacity: Int) {
        precondition(capacity > 0, "a job log needs room for at least one line")
        self.capacity = capacity
    }

    func append(job: String, task: String?, level: Logger.Level, message: String) {
        let line = JobLogLine(sequence: Self.sequence.add(1, ordering: .relaxed).newValue, time: Date(),
                              job: job, task: task, level: level, message: message)
        ring.withLock { ring in
            if ring.lines.count < capacity {
                ring.lines.append(line)
            } else {
                ring.lines[ring.start] = line
                ring.start = (ring.start + 1) % capacity
            }
        }
    }

    /// The newest `limit` lines, oldest first.
    func recent(limit: Int) -> [JobLogLine] {
        ring.withLock { ring in
            let ordered = ring.lines[ring.start...] + ring.lines[..<ring.start]
            return Array(ordered.suffix(max(0, limit)))
        }
    }
}
