import Foundation
@testable import JobControl
import TestSupport
import Testing

@Suite("JobSchedule: the state machine without clocks")
struct JobScheduleTests {
    let epoch = Date(timeIntervalSince1970: 0)

    func schedule(runsAtStart: Bool = false) -> JobSchedule {
        JobSchedule(tasks: [JobTask(name: "t", interval: .seconds(100), runsAtStart: runsAtStart) { _ in "" }])
    }

    /// Claims the due run of task 0; fails when it is not due.
    func claim(_ s: inout JobSchedule, now: Duration) throws -> Int {
        let step = s.next(task: 0, now: now, wallNow: epoch)
        guard case .run(let generation) = step else { throw TestFailure("expected a due run, got \(step)") }
        return generation
    }

    @Test func startSchedulesByRunsAtStart() {
        var atStart = schedule(runsAtStart: true)
        #expect(atStart.start(now: .seconds(5), wallNow: epoch) == .changed(.running))
        #expect(atStart.next(task: 0, now: .seconds(5), wallNow: epoch) == .run(generation: 1))

        var later = schedule()
        _ = later.start(now: .seconds(5), wallNow: epoch)
        #expect(later.next(task: 0, now: .seconds(5), wallNow: epoch) == .sleep(until: .seconds(105)))
    }

    @Test func pauseKeepsTheRemainingTimeAndResumeContinuesThere() {
        var s = schedule()
        _ = s.start(now: .zero, wallNow: epoch)
        #expect(s.pause(now: .seconds(60)) == .changed(.paused))
        #expect(s.entries[0].timer == .frozen(.seconds(40)))
        #expect(s.next(task: 0, now: .seconds(1000), wallNow: epoch) == .waitForChange)
        #expect(s.start(now: .seconds(1000), wallNow: epoch) == .changed(.running))
        #expect(s.next(task: 0, now: .seconds(1000), wallNow: epoch) == .sleep(until: .seconds(1040)))
    }

    @Test func commandsAlreadySatisfiedAreUnchangedAndPausingAStoppedJobIsRefused() {
        var s = schedule()
        #expect(s.stop() == .unchanged(.stopped))
        #expect(s.refusal(of: .pause) != nil)
        if case .refused = s.pause(now: .zero) {} else { Issue.record("pausing a stopped job must be refused") }
        #expect(s.state == .stopped)
        _ = s.start(now: .zero, wallNow: epoch)
        #expect(s.start(now: .zero, wallNow: epoch) == .unchanged(.running))
        _ = s.pause(now: .zero)
        #expect(s.pause(now: .zero) == .unchanged(.paused))
    }

    @Test func stopThenStartBeginsAfreshWithCountersReset() throws {
        var s = schedule(runsAtStart: true)
        _ = s.start(now: .zero, wallNow: epoch)
        let generation = try claim(&s, now: .zero)
        s.finish(task: 0, generation: generation, outcome: .success, summary: "ok", now: .seconds(1), wallNow: epoch)
        #expect(s.entries[0].stats.runs == 1)
        _ = s.stop()
        #expect(s.entries[0].timer == .idle)
        _ = s.start(now: .seconds(50), wallNow: epoch)
        #expect(s.entries[0].stats.runs == 0)
        #expect(s.next(task: 0, now: .seconds(50), wallNow: epoch) == .run(generation: generation + 1))
    }

    @Test func aRunOfAnOlderSessionIsNotCountedAndItsTaskStartsFresh() throws {
        var s = schedule(runsAtStart: true)
        _ = s.start(now: .zero, wallNow: epoch)
        let old = try claim(&s, now: .zero)
        _ = s.stop()
        _ = s.start(now: .seconds(10), wallNow: epoch)
        // The old run is still in flight: the new session waits for it to end.
        #expect(s.next(task: 0, now: .seconds(10), wallNow: epoch) == .waitForChange)
        #expect(!s.isCurrent(old))
        s.finish(task: 0, generation: old, outcome: .stopped, summary: "stopped", now: .seconds(11), wallNow: epoch)
        #expect(s.entries[0].stats.runs == 0)
        #expect(s.next(task: 0, now: .seconds(11), wallNow: epoch) == .run(generation: old + 1))
    }

    @Test func theNextRunIsAnIntervalAfterThePreviousEnded() throws {
        var s = schedule()
        _ = s.start(now: .zero, wallNow: epoch)
        let generation = try claim(&s, now: .seconds(100))
        s.finish(task: 0, generation: generation, outcome: .failure, summary: "boom", now: .seconds(130), wallNow: epoch)
        #expect(s.entries[0].stats.failures == 1)
        #expect(s.next(task: 0, now: .seconds(130), wallNow: epoch) == .sleep(until: .seconds(230)))
    }
}
