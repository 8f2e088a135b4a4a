/// JobControl's error: thrown by `JobRun.checkpoint()` when the run must end because its job
/// was stopped (or restarted) or the process is shutting down. Let it propagate: the controller
/// logs such a run as stopped, not as a failure.
public struct JobStopped: Error, Sendable, CustomStringConvertible {
    /// Why the run was ended.
    public enum Reason: String, Sendable {
        case stopped = "the job was stopped"
        case shutdown = "the process is shutting down"
    }

    public let job: String
    public let task: String
    public let reason: Reason

    public var description: String { "run of \(job)/\(task) ended: \(reason.rawValue)" }
}
