import Foundation
@testable import JobControl
import Logging
import Metrics
import Synchronization

/// A one-way door a test opens: runs wait at it, the test lets them through.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], arrivals: Int)>((false, [], 0))

    /// How many times a run reached the gate.
    var arrivals: Int { state.withLock { $0.arrivals } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                state.arrivals += 1
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A thread-safe counter for task bodies.
final class Tally: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func increment() { value.withLock { $0 += 1 } }
}

/// Counters and gauges by label and dimensions, for assertions; nothing global.
final class RecordingMetricsFactory: MetricsFactory {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler {
        let value = Mutex<Double>(0)
        func increment(by amount: Int64) { value.withLock { $0 += Double(amount) } }
        func reset() { value.withLock { $0 = 0 } }
        func record(_ value: Int64) { self.value.withLock { $0 = Double(value) } }
        func record(_ value: Double) { self.value.withLock { $0 = value } }
        func recordNanoseconds(_ duration: Int64) { value.withLock { $0 += 1 } }
    }

    private let handlers = Mutex<[String: Handler]>([:])

    /// The value of `label` with exactly these dimensions (counters: total; gauges: last value).
    func value(_ label: String, _ dimensions: [(String, String)]) -> Double? {
        handlers.withLock { $0[Self.key(label, dimensions)]?.value.withLock { $0 } }
    }

    private func handler(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        handlers.withLock { handlers in
            let key = Self.key(label, dimensions)
            if let existing = handlers[key] { return existing }
            let handler = Handler()
            handlers[key] = handler
            return handler
        }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler { handler(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler { handler(label, dimensions) }
    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler { handler(label, dimensions) }
    func destroyCounter(_ handler: CounterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}
}

extension JobController {
    /// A controller on a manual clock with its own metrics, for tests.
    static func make(_ tasks: [JobTask], name: String = "test", clock: ManualJobClock = ManualJobClock(),
                     metrics: RecordingMetricsFactory = RecordingMetricsFactory()) -> JobController {
        var logger = Logger(label: "JobControlTests")
        logger.logLevel = .critical
        return JobController(name: name, tasks: tasks, autostart: false, logger: logger, clock: clock, metricsFactory: metrics)
    }

    /// The stats of the task called `task`.
    func stats(_ task: String) -> TaskStats {
        status().tasks.first { $0.name == task }!.stats
    }

    /// Runs the controller while `body` runs, then cancels it (as a shutdown would) and waits for it.
    func running(_ body: () async throws -> Void) async throws {
        let service = Task { try await self.run() }
        defer { service.cancel() }
        try await body()
        service.cancel()
        _ = await service.result
    }
}
