import Foundation

/// A task's counters and last run in the current session (a start after a stop resets them).
public struct TaskStats: Sendable, Equatable {
    /// Finished runs, whatever their outcome.
    public var runs = 0
    public var successes = 0
    public var failures = 0
    /// Runs ended by a stop or by shutdown.
    public var stopped = 0
    /// When the run in flight started, nil when none is.
    public var currentRunStartedAt: Date?
    public var lastRun: LastRun?

    /// The most recent finished run.
    public struct LastRun: Sendable, Equatable {
        public var startedAt: Date
        public var finishedAt: Date
        public var outcome: JobRunOutcome
        /// The body's summary on success, the reason otherwise.
        public var summary: String
    }

    mutating func record(_ outcome: JobRunOutcome, summary: String, finishedAt: Date) {
        runs += 1
        switch outcome {
        case .success: successes += 1
        case .failure: failures += 1
        case .stopped: stopped += 1
        }
        lastRun = LastRun(startedAt: currentRunStartedAt ?? finishedAt, finishedAt: finishedAt,
                          outcome: outcome, summary: summary)
        currentRunStartedAt = nil
    }
}
