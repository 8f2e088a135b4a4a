import Synchronization
import Testing
@testable import ExperimentRunner

/// How the timeline ends: no periodic sample may be newer than the totals' snapshot.
@Suite struct TimelineTests {
    @Test func noSampleIsTakenAfterTheFinalSnapshot() async throws {
        for _ in 0..<20 {
            let taken = Mutex(0)
            let sampling = Task {
                var samples: [ContinuousClock.Instant] = []
                while !Task.isCancelled {
                    samples.append(.now)
                    taken.withLock { $0 += 1 }
                    try? await Task.sleep(for: .milliseconds(1))
                }
                return samples
            }
            // However busy the machine, the sampler is running before the timeline closes.
            while taken.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(1)) }
            // A snapshot stamps its instant and then still takes a while (its scrapes), the
            // window in which a sampler still running would add a later sample.
            let (final, samples) = try await Experiment.closeTimeline(sampling, final: { () async throws -> ContinuousClock.Instant in
                let instant = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(10))
                return instant
            }, sample: { $0 })
            #expect(samples.count > 1 && samples.last == final)
            #expect(zip(samples, samples.dropFirst()).allSatisfy { $0 < $1 }, "the timeline goes back in time")
        }
    }
}
