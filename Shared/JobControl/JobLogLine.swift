import Foundation
import Logging

/// One line of a job's log, as `GET /job/logs` shows it.
public struct JobLogLine: Sendable, Equatable {
    /// Orders lines across the jobs of a process (times can tie).
    public let sequence: Int
    public let time: Date
    public let job: String
    /// The task the line is about; nil for job-level lines (started, paused, ...).
    public let task: String?
    public let level: Logger.Level
    public let message: String
}
