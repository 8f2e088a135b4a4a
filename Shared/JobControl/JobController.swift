import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// A job: periodic tasks with start, pause and stop, run as a swift-service-lifecycle service.
///
/// Each task has a driver in `run()` that waits for its timer and runs its body; the state
/// machine (`JobSchedule`) sits under one lock, and every change bumps a `ChangeSignal` that
/// wakes the drivers and any paused run. SIGTERM (graceful shutdown) cancels the drivers: a run
/// in flight ends at its next checkpoint, or finishes.
public final class JobController: Service, Sendable {
    public let name: String
    public let tasks: [JobTask]
    let logger: Logger
    let clock: any JobClock
    private let autostart: Bool
    let schedule: Mutex<JobSchedule>
    let signal = ChangeSignal()
    let log: JobLog
    let metrics: JobMetrics

    /// - Parameters:
    ///   - name: unique within the process; the `job` query parameter and metric label.
    ///   - autostart: start when `run()` begins; otherwise wait for `start()`.
    ///   - clock: real time by default; tests pass a `ManualJobClock`.
    ///   - logCapacity: how many recent lines `logs(limit:)` can return.
    ///   - metricsFactory: where the job's metrics go; by default the bootstrapped one.
    public init(name: String, tasks: [JobTask], autostart: Bool, logger: Logger,
                clock: any JobClock = ContinuousJobClock(), logCapacity: Int = 1000,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        precondition(Set(tasks.map(\.name)).count == tasks.count, "task names of job \(name) must be unique")
        self.name = name
        self.tasks = tasks
        self.autostart = autostart
        var logger = logger
        logger[metadataKey: "job.name"] = "\(name)"
        self.logger = logger
        self.clock = clock
        schedule = Mutex(JobSchedule(tasks: tasks))
        log = JobLog(capacity: logCapacity)
        metrics = JobMetrics(job: name, tasks: tasks.map(\.name), factory: metricsFactory)
        metrics.recordState(.stopped)
    }

    /// The job's state right now.
    public var state: JobState { schedule.withLock { $0.state } }

    /// Starts a stopped job afresh or resumes a paused one.
    @discardableResult
    public func start() -> JobCommandOutcome { perform(.start) }

    /// Freezes the timers with their remaining time; a run in flight suspends at its next checkpoint.
    @discardableResult
    public func pause() -> JobCommandOutcome { perform(.pause) }

    /// Ends the session: a run in flight ends at its next checkpoint; the next start begins afresh.
    @discardableResult
    public func stop() -> JobCommandOutcome { perform(.stop) }

    /// Applies `command`; then logs, records and announces the change, if there was one.
    @discardableResult
    public func perform(_ command: JobCommand) -> JobCommandOutcome {
        let outcome = schedule.withLock { schedule in
            switch command {
            case .start: schedule.start(now: clock.now(), wallNow: Date())
            case .pause: schedule.pause(now: clock.now())
            case .stop: schedule.stop()
            }
        }
        switch outcome {
        case .refused(let reason):
            return .refused("job \(name) \(reason)")
        case .unchanged:
            return outcome
        case .changed(let state):
            appendLog(task: nil, level: .info, message: "job \(command.pastTense)")
            logger.info("job \(command.pastTense)")
            metrics.recordState(state)
            signal.bump()
            return outcome
        }
    }

    /// Why `command` would be refused right now, nil when it would not.
    public func refusal(of command: JobCommand) -> String? {
        schedule.withLock { $0.refusal(of: command) }.map { "job \(name) \($0)" }
    }

    /// The newest `limit` lines of this job's log, oldest first.
    public func logs(limit: Int) -> [JobLogLine] { log.recent(limit: limit) }

    func appendLog(task: String?, level: Logger.Level, message: String) {
        log.append(job: name, task: task, level: level, message: message)
    }

    public func run() async throws {
        if autostart { start() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for index in self.tasks.indices {
                    group.addTask { await self.drive(task: index) }
                }
            }
        }
    }
}
