import Foundation
import Logging

extension JobController {
    /// One task's driver: waits until the task is due while the job runs, runs it, repeats
    /// until cancelled. One driver per task, so a task never overlaps itself.
    func drive(task index: Int) async {
        while !Task.isCancelled {
            let seen = signal.version
            let step = schedule.withLock { $0.next(task: index, now: clock.now(), wallNow: Date()) }
            switch step {
            case .run(let generation):
                await execute(task: index, generation: generation)
            case .sleep(let deadline):
                await sleep(until: deadline, orChangePast: seen)
            case .waitForChange:
                await signal.wait(past: seen)
            }
        }
    }

    /// Returns at the deadline or at the next state change, whichever comes first.
    private func sleep(until deadline: Duration, orChangePast seen: Int) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.clock.sleep(until: deadline) }
            group.addTask { await self.signal.wait(past: seen) }
            await group.next()
            group.cancelAll()
        }
    }

    private func execute(task index: Int, generation: Int) async {
        let task = tasks[index]
        let run = JobRun(controller: self, task: task.name, generation: generation)
        let started = ContinuousClock.now
        let outcome: JobRunOutcome
        let summary: String
        do {
            summary = try await task.body(run)
            outcome = .success
        } catch let stopped as JobStopped {
            summary = stopped.reason.rawValue
            outcome = .stopped
        } catch is CancellationError where Task.isCancelled {
            summary = JobStopped.Reason.shutdown.rawValue
            outcome = .stopped
        } catch {
            summary = "\(error)"
            outcome = .failure
        }
        // Successes go to the process log at debug only: at high speed they would flood it;
        // the job's own log (GET /job/logs) keeps every outcome.
        let line = outcome == .success ? "run finished: \(summary)" : "run \(outcome == .failure ? "failed" : "stopped"): \(summary)"
        appendLog(task: task.name, level: outcome == .failure ? .warning : .info, message: line)
        run.logger.log(level: outcome == .success ? .debug : .info, "\(line)", metadata: ["job.outcome": "\(outcome.rawValue)"])
        metrics.recordRun(task: task.name, outcome: outcome, duration: ContinuousClock.now - started)
        schedule.withLock {
            $0.finish(task: index, generation: generation, outcome: outcome, summary: summary,
                      now: clock.now(), wallNow: Date())
        }
        signal.bump()
    }

    /// Waits while the job is paused; throws `JobStopped` once the run's session is over.
    func checkpoint(task: String, generation: Int) async throws {
        while true {
            if Task.isCancelled { throw JobStopped(job: name, task: task, reason: .shutdown) }
            let seen = signal.version
            let (current, state) = schedule.withLock { ($0.isCurrent(generation), $0.state) }
            guard current else { throw JobStopped(job: name, task: task, reason: .stopped) }
            guard state == .paused else { return }
            await signal.wait(past: seen)
        }
    }
}
