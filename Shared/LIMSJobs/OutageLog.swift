import Logging
import Synchronization

/// Logs one clear line when a service becomes unreachable (or answers 5xx) and one when it
/// answers again, instead of a line per failed call: the jobs simply try again at their next
/// interval, so an outage would otherwise fill the log.
final class OutageLog: Sendable {
    private let service: String
    private let logger: Logger
    /// Failed calls in the current outage; 0 when the service is fine.
    private let failures = Mutex(0)

    init(service: String, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    func failed(_ error: JobsError) {
        let count = failures.withLock { count -> Int in
            count += 1
            return count
        }
        if count == 1 {
            logger.warning("\(service) unavailable; the jobs retry at their next intervals",
                           metadata: ["error": "\(error)"])
        } else {
            logger.debug("\(service) still unavailable", metadata: ["error": "\(error)", "jobs.failed_calls": "\(count)"])
        }
    }

    func succeeded() {
        let count = failures.withLock { count -> Int in
            defer { count = 0 }
            return count
        }
        if count > 0 { logger.notice("\(service) answers again", metadata: ["jobs.failed_calls": "\(count)"]) }
    }
}
