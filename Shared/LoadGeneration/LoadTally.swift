/// What the requests of one `load` worker (or, merged, of all) came to.
public struct LoadTally: Sendable {
    enum Outcome {
        case succeeded
        /// Answered with a status outside 2xx.
        case rejected(Int)
        /// No answer: connect, send or receive failed, or timed out.
        case failed(LoadError)
    }

    public internal(set) var requests = 0
    public internal(set) var succeeded = 0
    public internal(set) var rejected = 0
    public internal(set) var failed = 0
    /// Requests sent more than a millisecond after they were due: the workers fell behind.
    public internal(set) var lateStarts = 0
    /// Microseconds from each answered request's due time to its answer.
    public internal(set) var latencies: [Int64] = []
    public internal(set) var lastCompletion: ContinuousClock.Instant?
    public internal(set) var firstError: String?

    init() {}

    init(merging tallies: [LoadTally]) {
        for tally in tallies {
            requests += tally.requests
            succeeded += tally.succeeded
            rejected += tally.rejected
            failed += tally.failed
            lateStarts += tally.lateStarts
            latencies += tally.latencies
            if let last = tally.lastCompletion, last > (lastCompletion ?? last - .seconds(1)) { lastCompletion = last }
            firstError = firstError ?? tally.firstError
        }
    }

    mutating func record(_ outcome: Outcome, due: ContinuousClock.Instant, sent: ContinuousClock.Instant,
                         done: ContinuousClock.Instant) {
        requests += 1
        if due.duration(to: sent) > .milliseconds(1) { lateStarts += 1 }
        switch outcome {
        case .succeeded:
            succeeded += 1
        case .rejected(let status):
            rejected += 1
            firstError = firstError ?? "HTTP status \(status)"
        case .failed(let error):
            failed += 1
            firstError = firstError ?? "\(error)"
        }
        if case .failed = outcome { return }
        latencies.append(due.duration(to: done).microseconds)
        lastCompletion = done
    }
}
