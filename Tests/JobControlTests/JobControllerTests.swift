@testable import JobControl
import MetricsTestKit
import TestSupport
import Testing

@Suite("JobController: runs, timers, pause, stop and failures on a manual clock")
struct JobControllerTests {
    @Test func runsAtStartThenEveryIntervalAfterThePreviousRunEnded() async throws {
        let clock = ManualJobClock()
        let runs = Tally()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(100), runsAtStart: true) { run in
            runs.increment()
            run.log("copying potato")
            return "run \(runs.count)"
        }], clock: clock)
        try await job.running {
            job.start()
            try await waitUntil("the first run finished") { job.stats("t").runs == 1 }
            try await waitUntil("the driver sleeps") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(99))
            #expect(job.stats("t").runs == 1)
            clock.advance(by: .seconds(1))
            try await waitUntil("the second run finished") { job.stats("t").runs == 2 }
            #expect(job.stats("t").lastRun?.summary == "run 2")
            let lines = job.logs(limit: 2)
            #expect(lines.map(\.message) == ["copying potato", "run finished: run 2"], "newest last")
            #expect(lines.allSatisfy { $0.job == "test" && $0.task == "t" })
            #expect(job.status().tasks[0].nextRunIn == .seconds(100))
        }
    }

    @Test func pauseFreezesTheTimerAndStartResumesWithTheRemainingTime() async throws {
        let clock = ManualJobClock()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(100)) { _ in "ok" }], clock: clock)
        try await job.running {
            job.start()
            try await waitUntil("the driver sleeps") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(60))
            #expect(job.pause() == .changed(.paused))
            clock.advance(by: .seconds(1000))
            #expect(job.status().tasks[0].nextRunIn == .seconds(40))
            #expect(job.stats("t").runs == 0)
            #expect(job.start() == .changed(.running))
            try await waitUntil("the driver sleeps again") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(39))
            #expect(job.stats("t").runs == 0)
            clock.advance(by: .seconds(1))
            try await waitUntil("the run after the remaining 40 s") { job.stats("t").runs == 1 }
        }
    }

    @Test func aPausedRunSuspendsAtItsCheckpointAndResumesThere() async throws {
        let reached = Gate()
        let release = Gate()
        let released = Tally()
        let passed = Tally()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(100), runsAtStart: true) { run in
            await reached.wait()
            await release.wait()
            released.increment()
            try await run.checkpoint()
            passed.increment()
            return "done"
        }])
        reached.open()
        try await job.running {
            job.start()
            try await waitUntil("the run is in flight") { reached.arrivals == 1 }
            job.pause()
            release.open()
            // Past this point only a start lets the run through its checkpoint.
            try await waitUntil("the run heads for its checkpoint") { released.count == 1 }
            #expect(passed.count == 0)
            #expect(job.status().tasks[0].inFlight)
            job.start()
            try await waitUntil("the run finished") { job.stats("t").runs == 1 }
            #expect(passed.count == 1)
            #expect(job.stats("t").successes == 1)
        }
    }

    @Test func stopEndsTheRunAtItsCheckpointAsStoppedAndStartBeginsAfresh() async throws {
        let metrics = TestMetrics()
        let release = Gate()
        let starts = Tally()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(100), runsAtStart: true) { run in
            starts.increment()
            if starts.count == 1 { await release.wait() }
            try await run.checkpoint()
            return "done"
        }], metrics: metrics)
        try await job.running {
            job.start()
            try await waitUntil("the run is in flight") { release.arrivals == 1 }
            #expect(job.stop() == .changed(.stopped))
            release.open()
            try await waitUntil("the run ended") { job.stats("t").stopped == 1 }
            #expect(job.stats("t").failures == 0)
            #expect(job.stats("t").lastRun?.outcome == .stopped)
            #expect(metrics.value("job_runs_total", [("job", "test"), ("task", "t"), ("outcome", "stopped")]) == 1)
            #expect(metrics.value("job_state", [("job", "test"), ("state", "stopped")]) == 1)
            job.start()
            try await waitUntil("the fresh session's first run") { job.stats("t").successes == 1 }
            #expect(job.stats("t").stopped == 0, "counters restart with the session")
            #expect(starts.count == 2)
            #expect(metrics.value("job_state", [("job", "test"), ("state", "running")]) == 1)
        }
    }

    @Test func aFailingRunIsCountedAndTheTaskGoesOnAtItsNextInterval() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "image-api answered 503" } }
        let clock = ManualJobClock()
        let metrics = TestMetrics()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(10), runsAtStart: true) { _ in throw Broken() }],
                                     clock: clock, metrics: metrics)
        try await job.running {
            job.start()
            try await waitUntil("the first failure") { job.stats("t").failures == 1 }
            #expect(job.stats("t").lastRun?.summary == "image-api answered 503")
            #expect(job.logs(limit: 5).contains { $0.level == .warning && $0.message == "run failed: image-api answered 503" })
            try await waitUntil("the driver sleeps") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(10))
            try await waitUntil("the second failure") { job.stats("t").failures == 2 }
            #expect(metrics.value("job_runs_total", [("job", "test"), ("task", "t"), ("outcome", "failure")]) == 2)
            #expect(job.state == .running)
        }
    }

    @Test func shutdownEndsAnInFlightRunAtItsCheckpoint() async throws {
        let release = Gate()
        let job = JobController.make([JobTask(name: "t", interval: .seconds(100), runsAtStart: true) { run in
            await release.wait()
            try await run.checkpoint()
            return "done"
        }])
        job.start()
        let service = Task { try await job.run() }
        try await waitUntil("the run is in flight") { release.arrivals == 1 }
        service.cancel()
        release.open()
        _ = await service.result
        #expect(job.stats("t").stopped == 1)
        #expect(job.stats("t").lastRun?.summary == JobStopped.Reason.shutdown.rawValue)
    }

    @Test func tasksOfOneJobRunIndependently() async throws {
        let clock = ManualJobClock()
        let job = JobController.make([
            JobTask(name: "fast", interval: .seconds(10)) { _ in "f" },
            JobTask(name: "slow", interval: .seconds(30)) { _ in "s" },
        ], clock: clock)
        try await job.running {
            job.start()
            for step in 1...6 {
                try await waitUntil("both drivers sleep") { clock.sleeperCount == 2 }
                clock.advance(by: .seconds(10))
                try await waitUntil("fast ran \(step) times") { job.stats("fast").runs == step }
                try await waitUntil("slow ran \(step / 3) times") { job.stats("slow").runs == step / 3 }
            }
        }
    }
}
