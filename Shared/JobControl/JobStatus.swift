import Foundation

/// A snapshot of a job for `GET /job/status`.
public struct JobStatus: Sendable {
    public let name: String
    public let state: JobState
    /// When the current session began (the last start from stopped).
    public let sessionStartedAt: Date?
    public let tasks: [Task]

    /// One task of the snapshot.
    public struct Task: Sendable {
        public let name: String
        public let interval: Duration
        public let runsAtStart: Bool
        public let stats: TaskStats
        /// True while a run is in progress (suspended at a checkpoint when the job is paused).
        public let inFlight: Bool
        /// When the next run starts, while the job runs and the task waits.
        public let nextRunAt: Date?
        /// Time left until the next run: also kept while paused.
        public let nextRunIn: Duration?
    }
}

extension JobController {
    /// The job's state and each task's counters and timers.
    public func status() -> JobStatus {
        let wallNow = Date()
        return schedule.withLock { schedule in
            let now = clock.now()
            let tasks = zip(self.tasks, schedule.entries).map { task, entry in
                var nextRunIn: Duration?
                var nextRunAt: Date?
                switch entry.timer {
                case .due(let at):
                    nextRunIn = max(.zero, at - now)
                    nextRunAt = wallNow.addingTimeInterval(nextRunIn!.seconds)
                case .frozen(let remaining):
                    nextRunIn = remaining
                case .idle, .inFlight:
                    break
                }
                return JobStatus.Task(name: task.name, interval: task.interval, runsAtStart: task.runsAtStart,
                                      stats: entry.stats, inFlight: entry.timer == .inFlight,
                                      nextRunAt: nextRunAt, nextRunIn: nextRunIn)
            }
            return JobStatus(name: name, state: schedule.state, sessionStartedAt: schedule.sessionStartedAt, tasks: tasks)
        }
    }
}

extension Duration {
    /// The duration in seconds as a `Double`, for JSON and `Date` arithmetic.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
