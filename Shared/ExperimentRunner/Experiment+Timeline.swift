import ExperimentModel
import Primitives
import TCPRelay

extension Experiment {
    /// Samples every variant's cumulative wire bytes every `plan.sampleInterval` seconds until
    /// cancelled; the task's value is the samples taken. Relay counters are read in memory; the
    /// change count costs one scrape of image-api, skipped (previous count kept) if it fails.
    func recordTimeline(_ topology: Topology, from start: Snapshot) -> Task<[ExperimentResults.TimelineSample], Never> {
        Task {
            var samples: [ExperimentResults.TimelineSample] = []
            while !Task.isCancelled {
                let metrics = try? await topology.imageAPI.metrics()
                samples.append(Self.sample(relays: topology.relays.mapValues(\.statistics), imageAPI: metrics, at: .now,
                                           since: start, previous: samples.last))
                try? await Task.sleep(for: .seconds(plan.sampleInterval))
            }
            return samples
        }
    }

    /// Stops `sampling`, waits for its last sample, and only then takes the final snapshot, whose
    /// sample ends the timeline: a periodic sample taken after the totals would make the timeline
    /// go back in time (and in bytes) at its end.
    static func closeTimeline<Final, Sample>(_ sampling: Task<[Sample], Never>, final: () async throws -> Final,
                                             sample: (Final) -> Sample) async throws -> (Final, [Sample]) {
        sampling.cancel()
        let samples = await sampling.value
        let last = try await final()
        return (last, samples + [sample(last)])
    }

    /// The sample a snapshot makes (the timeline's last point, at the catch-up's end).
    static func sample(_ snapshot: Snapshot, since start: Snapshot) -> ExperimentResults.TimelineSample {
        sample(relays: snapshot.relays, imageAPI: snapshot.metrics["image-api"], at: snapshot.instant, since: start, previous: nil)
    }

    private static func sample(relays: [String: TCPRelayStatistics], imageAPI: PrometheusText?, at instant: ContinuousClock.Instant,
                               since start: Snapshot, previous: ExperimentResults.TimelineSample?) -> ExperimentResults.TimelineSample {
        let events = { (metrics: PrometheusText?) in metrics?.sum("image_api_image", ["format": "envelope"]) ?? 0 }
        let changes = imageAPI.map { Int(events($0) - events(start.metrics["image-api"])) } ?? previous?.changes ?? 0
        return .init(seconds: start.instant.duration(to: instant) / .seconds(1), changes: changes,
                     bytes: Dictionary(uniqueKeysWithValues: Variant.allCases.map {
                         ($0.rawValue, moved($0.sourceRelay, from: start.relays, to: relays) + moved($0.consumerRelay, from: start.relays, to: relays))
                     }))
    }
}
