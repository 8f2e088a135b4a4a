import Foundation
@testable import JobControl
import Logging
import Metrics
import MetricsTestKit
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

extension TestMetrics {
    /// The value of `label` with exactly these dimensions: a counter's total, a gauge's last value.
    func value(_ label: String, _ dimensions: [(String, String)]) -> Double? {
        if let counter = try? expectCounter(label, dimensions) { return Double(counter.totalValue) }
        return (try? expectGauge(label, dimensions))?.lastValue
    }
}

extension JobController {
    /// A controller on a manual clock with its own metrics, for tests.
    static func make(_ tasks: [JobTask], name: String = "test", clock: ManualJobClock = ManualJobClock(),
                     metrics: TestMetrics = TestMetrics()) -> JobController {
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
