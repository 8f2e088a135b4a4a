import Testing
@testable import BandwidthExperiment

/// How the timeline ends: no periodic sample may be newer than the totals' snapshot.
@Suite struct TimelineTests {
    @Test func noSampleIsTakenAfterTheFinalSnapshot() async throws {
        for _ in 0..<20 {
            let sampling = Task {
                var samples: [ContinuousClock.Instant] = []
                while !Task.isCancelled {
                    samples.append(.now)
                    try? await Task.sleep(for: .milliseconds(1))
                }
                return samples
            }
            try await Task.sleep(for: .milliseconds(5))
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
