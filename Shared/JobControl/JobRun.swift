import Logging

/// What a task's body gets for one run: logging into the job's log and the checkpoint where
/// pause and stop take effect.
public final class JobRun: Sendable {
    public let job: String
    public let task: String
    /// The controller's logger with `job.name` and `job.task` metadata.
    public let logger: Logger
    let generation: Int
    private let controller: JobController

    init(controller: JobController, task: String, generation: Int) {
        self.controller = controller
        self.job = controller.name
        self.task = task
        self.generation = generation
        var logger = controller.logger
        logger[metadataKey: "job.task"] = "\(task)"
        self.logger = logger
    }

    /// Appends a line to the job's log (`GET /job/logs`) and logs it through `logger`.
    public func log(_ message: String, level: Logger.Level = .info) {
        controller.appendLog(task: task, level: level, message: message)
        logger.log(level: level, "\(message)")
    }

    /// Returns at once while the job runs; suspends while it is paused until it is started
    /// again; throws `JobStopped` once the job was stopped (or restarted) or the process is
    /// shutting down.
    public func checkpoint() async throws {
        try await controller.checkpoint(task: task, generation: generation)
    }
}
