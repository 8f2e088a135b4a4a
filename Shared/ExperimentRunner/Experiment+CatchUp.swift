import ExperimentModel

extension Experiment {
    /// After the jobs stop: waits for their last operations, lets both streams drain, runs each
    /// batch job once more (stop then start runs it at once), and then requires every consumer
    /// DB to equal the producer DB.
    /// - Returns: the snapshot taken once the streams drained, just before the batch jobs are
    ///   triggered: the end of the batch variants' staleness window, since a run triggered early
    ///   finds its records less stale than a scheduled run would.
    /// - Throws: `ExperimentError` `.notEqual` naming the first variant whose DB differs.
    func catchUp(_ topology: Topology) async throws -> Snapshot {
        _ = try await Poll.until("the jobs to finish their operations in progress", timeout: .seconds(60)) {
            try await topology.jobs.isIdle() ? true : nil
        }
        _ = try await Poll.until("the stream consumers to consume every event", timeout: .seconds(300)) { () async throws -> Bool? in
            let api = try await topology.imageAPI.metrics()
            guard api.sum("image_api_outbox_depth") == 0 else { return nil }
            for (variant, format) in [(Variant.streamEnvelope, "envelope"), (.streamLegacy, "legacy")] {
                let consumed = try await topology.applier(of: variant).metrics().sum("consumer_events_consumed_total")
                guard consumed >= api.sum("image_api_image", ["format": format]) else { return nil }
            }
            return true
        }
        let batchEnd = try await snapshot(topology)
        for synchronizer in topology.synchronizers.values {
            try await synchronizer.job("stop")
            try await synchronizer.job("start")
        }
        for synchronizer in topology.synchronizers.values {
            _ = try await Poll.until("\(synchronizer.name)'s last run", timeout: .seconds(600)) {
                try await synchronizer.hasFinishedRun() ? true : nil
            }
        }
        for variant in Variant.allCases { try await requireEqual(variant) }
        return batchEnd
    }

    /// Compares until equal: a stream consumer may still be applying its last batch.
    private func requireEqual(_ variant: Variant) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let report = try await compare(variant)
            if report.isEqual { return }
            guard ContinuousClock.now < deadline else {
                throw ExperimentError(.notEqual, "\(variant.rawValue): its consumer DB differs from the producer DB after "
                                      + "catching up: \(Self.describe(report))")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
