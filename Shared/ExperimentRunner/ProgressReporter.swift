import Foundation
import Synchronization

/// The run's progress with elapsed time and ETA: a bar redrawn in place when stdout is a
/// terminal, a plain line every few seconds otherwise (logs, CI). The ETA counts the rest of
/// the workload plus an estimate of the catch-up (a batch period and the checks).
final class ProgressReporter: Sendable {
    private struct State {
        var phase = "starting"
        var workloadStart: ContinuousClock.Instant?
        var catchUpStart: ContinuousClock.Instant?
        var finished = false
    }

    private let start = ContinuousClock.now
    private let workload: Duration
    private let catchUpEstimate: Duration
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let state = Mutex(State())

    init(workload: Duration, batchPeriod: Duration) {
        self.workload = workload
        catchUpEstimate = batchPeriod + .seconds(10)
    }

    func phase(_ name: String) {
        let catchingUp = name.hasPrefix("catching up")
        state.withLock {
            $0.phase = name
            if catchingUp { $0.catchUpStart = .now }
        }
        if !isTerminal { emit("progress: \(name) (elapsed \(Self.clock(start.duration(to: .now))))\n") }
    }

    func startWorkload() {
        state.withLock {
            $0.phase = "workload"
            $0.workloadStart = .now
        }
    }

    func finish() {
        let wasFinished = state.withLock { state in
            defer { state.finished = true }
            return state.finished
        }
        if isTerminal && !wasFinished { emit("\n") }
    }

    /// Redraws (terminal) or prints (otherwise) until `finish()` or cancellation.
    func follow() async {
        let interval: Duration = isTerminal ? .milliseconds(500) : .seconds(5)
        while !state.withLock({ $0.finished }) {
            draw()
            guard (try? await Task.sleep(for: interval)) != nil else { return }
        }
    }

    private func draw() {
        let now = ContinuousClock.now
        let (phase, remaining) = state.withLock { state -> (String, Duration) in
            if let catchUp = state.catchUpStart {
                return (state.phase, max(.zero, catchUpEstimate - catchUp.duration(to: now)))
            }
            guard let workloadStart = state.workloadStart else { return (state.phase, workload + catchUpEstimate) }
            let done = workloadStart.duration(to: now)
            let left = max(.zero, workload - done)
            return ("workload \(Int(done / .seconds(1)))/\(Int(workload / .seconds(1))) s", left + catchUpEstimate)
        }
        let elapsed = start.duration(to: now)
        let fraction = elapsed / (elapsed + remaining)
        let line = "\(Self.clock(elapsed)) elapsed, ETA \(Self.clock(remaining)) · \(phase)"
        if isTerminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            emit("\r\u{1B}[2K[\(bar)] \(Int(fraction * 100))% \(line)")
        } else {
            emit("progress: \(Int(fraction * 100))% \(line)\n")
        }
    }

    /// Written unbuffered: stdout to a pipe or file is block-buffered, and progress must show now.
    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `m:ss`.
    static func clock(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration / .seconds(1)))
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
