import Metrics
import Synchronization

/// `jobs_operations_total{job,operation,outcome}`: every image-api operation a job attempted;
/// outcome `success`, `failure`, or `skipped` (no image matched). Counters are made once per
/// label set and kept.
final class JobsMetrics: Sendable {
    enum Outcome: String, CaseIterable { case success, failure, skipped }

    private let counters = Mutex<[String: Counter]>([:])

    func record(job: String, operation: String, outcome: Outcome) {
        let key = "\(job)\u{0}\(operation)\u{0}\(outcome.rawValue)"
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "jobs_operations_total",
                                  dimensions: [("job", job), ("operation", operation), ("outcome", outcome.rawValue)])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
