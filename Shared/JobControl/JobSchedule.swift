import Foundation

/// The state machine of one job: its state, the session (generation) and each task's timer.
/// Pure: times come in as arguments, so the controller holds it under a lock and tests can
/// reason about it without clocks.
struct JobSchedule {
    /// A task's timer, in the controller clock's time.
    enum Timer: Equatable {
        /// Not scheduled (the job is stopped).
        case idle
        /// Runs once the clock reaches this point.
        case due(Duration)
        /// The job is paused with this much time left.
        case frozen(Duration)
        /// A run is in progress.
        case inFlight
    }

    /// What a task's driver should do next.
    enum Step: Equatable {
        case run(generation: Int)
        case sleep(until: Duration)
        case waitForChange
    }

    struct Entry {
        let interval: Duration
        let runsAtStart: Bool
        var timer: Timer = .idle
        var stats = TaskStats()
    }

    private(set) var state: JobState = .stopped
    /// Incremented by every start from stopped: runs of an older session are stale.
    private(set) var generation = 0
    private(set) var sessionStartedAt: Date?
    private(set) var entries: [Entry]

    init(tasks: [JobTask]) {
        entries = tasks.map { Entry(interval: $0.interval, runsAtStart: $0.runsAtStart) }
    }

    mutating func start(now: Duration, wallNow: Date) -> JobCommandOutcome {
        switch state {
        case .running:
            return .unchanged(.running)
        case .paused:
            state = .running
            for index in entries.indices {
                if case .frozen(let remaining) = entries[index].timer { entries[index].timer = .due(now + remaining) }
            }
        case .stopped:
            state = .running
            generation += 1
            sessionStartedAt = wallNow
            for index in entries.indices {
                entries[index].stats = TaskStats()
                // A run of the previous session still in flight is rescheduled when it ends.
                if entries[index].timer != .inFlight { entries[index].timer = freshTimer(index, now: now) }
            }
        }
        return .changed(.running)
    }

    /// Why `command` cannot be applied in the current state, nil when it can.
    func refusal(of command: JobCommand) -> String? {
        command == .pause && state == .stopped ? "is stopped; start it instead of pausing" : nil
    }

    mutating func pause(now: Duration) -> JobCommandOutcome {
        if let reason = refusal(of: .pause) { return .refused(reason) }
        switch state {
        case .paused, .stopped: return .unchanged(state)
        case .running:
            state = .paused
            for index in entries.indices {
                if case .due(let at) = entries[index].timer { entries[index].timer = .frozen(max(.zero, at - now)) }
            }
            return .changed(.paused)
        }
    }

    mutating func stop() -> JobCommandOutcome {
        guard state != .stopped else { return .unchanged(.stopped) }
        state = .stopped
        for index in entries.indices where entries[index].timer != .inFlight {
            entries[index].timer = .idle
        }
        return .changed(.stopped)
    }

    /// Claims the task's run when it is due (marking it in flight), or says how long to wait.
    mutating func next(task index: Int, now: Duration, wallNow: Date) -> Step {
        guard state == .running else { return .waitForChange }
        switch entries[index].timer {
        case .due(let at) where at <= now:
            entries[index].timer = .inFlight
            entries[index].stats.currentRunStartedAt = wallNow
            return .run(generation: generation)
        case .due(let at):
            return .sleep(until: at)
        case .idle, .frozen, .inFlight:
            return .waitForChange
        }
    }

    /// Records a finished run and schedules the task's next one; a run of an older session is
    /// not counted, and its task starts the current session as a fresh one.
    mutating func finish(task index: Int, generation runGeneration: Int, outcome: JobRunOutcome, summary: String,
                         now: Duration, wallNow: Date) {
        if runGeneration == generation {
            entries[index].stats.record(outcome, summary: summary, finishedAt: wallNow)
            let interval = entries[index].interval
            switch state {
            case .running: entries[index].timer = .due(now + interval)
            case .paused: entries[index].timer = .frozen(interval)
            case .stopped: entries[index].timer = .idle
            }
        } else {
            entries[index].timer = freshTimer(index, now: now)
        }
    }

    /// The timer a task gets at the beginning of a session in the current state.
    private func freshTimer(_ index: Int, now: Duration) -> Timer {
        let delay = entries[index].runsAtStart ? .zero : entries[index].interval
        switch state {
        case .running: return .due(now + delay)
        case .paused: return .frozen(delay)
        case .stopped: return .idle
        }
    }

    /// Whether a run of `runGeneration` may go on: false once its session was stopped or replaced.
    func isCurrent(_ runGeneration: Int) -> Bool {
        runGeneration == generation && state != .stopped
    }
}
