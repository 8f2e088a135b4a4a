import BatchSync
import ImageModel
import TestSupport
import Testing

/// The engine on every store pairing, against the real servers.
@Suite struct BatchSynchronizerTests {
    @Test(arguments: SyncPairing.all)
    func bothModesMakeTheConsumerEqualAndIncrementalCopiesOnlyChanges(pairing: SyncPairing) async throws {
        try await pairing.with(perPlant: 30) { databases in
            // The first incremental run has no watermark: it copies everything.
            let first = try await databases.synchronizer(.incremental).run()
            #expect(first.since == nil)
            #expect((first.recordsRead, first.recordsWritten, first.recordsApplied) == (90, 90, 90))
            #expect(first.recordsWrittenByPlant == [.potato: 30, .tomato: 30, .pepper: 30])
            // 4 pages of 8 per plant, the last one short.
            #expect(first.pages == 12)
            try await databases.expectEqual()

            // The seeds are an hour older than the watermark, so exactly the five changes are read.
            try await databases.changeFiveRecords(round: 1)
            let second = try await databases.synchronizer(.incremental).run()
            #expect(second.since != nil && second.since == first.horizon?.widened(by: .seconds(60)))
            #expect((second.recordsRead, second.recordsWritten, second.recordsApplied) == (5, 5, 5))
            try await databases.expectEqual()

            // A PostgreSQL snapshot is exact: the second run saw those five. MongoDB's server
            // clock has the margin: they changed within it, so they are read again, applied never.
            let third = try await databases.synchronizer(.incremental).run()
            #expect((third.recordsRead, third.recordsApplied) == (pairing.producer == .postgres ? 0 : 5, 0))

            try await databases.changeFiveRecords(round: 2)
            let full = try await databases.synchronizer(.full).run()
            #expect(full.since == nil)
            #expect((full.recordsRead, full.recordsWritten, full.recordsApplied) == (92, 92, 5))
            #expect(full.bytesRead == full.bytesWritten && full.bytesWritten > 92 * 2 * 10_000)
            try await databases.expectEqual()
        }
    }

    @Test(arguments: [SyncPairing(producer: .postgres, consumer: .postgres), SyncPairing(producer: .mongo, consumer: .mongo)])
    func theWatermarkSurvivesARestartAndIsKeptPerJob(pairing: SyncPairing) async throws {
        try await pairing.with(perPlant: 10) { databases in
            let first = try await databases.synchronizer(.incremental, margin: .zero).run()
            #expect(first.recordsRead == 30)
            let stored = try await databases.consumer.syncWatermark(job: "test")
            #expect(first.horizon != nil && stored == first.horizon)

            // A new engine on new connections: what a restarted process has.
            let restarted = try SyncDatabases(producerURL: databases.producerURL, consumerURL: databases.consumerURL)
            let again = try await restarted.synchronizer(.incremental, margin: .zero).run()
            await restarted.close()
            #expect(again.since == first.horizon)
            #expect((again.recordsRead, again.recordsWritten) == (0, 0))

            let otherJob = try await databases.synchronizer(.incremental, margin: .zero, job: "other").run()
            #expect((otherJob.recordsRead, otherJob.recordsApplied) == (30, 0))
        }
    }

    @Test(arguments: [SyncPairing(producer: .postgres, consumer: .mongo), SyncPairing(producer: .mongo, consumer: .postgres)])
    func aRunStoppedAtACheckpointKeepsWholePagesAndTheNextRunCompletes(pairing: SyncPairing) async throws {
        struct Stopped: Error {}
        try await pairing.with(perPlant: 30) { databases in
            let first = try await databases.synchronizer(.incremental).run()
            try await databases.consumer.removeAll()
            let horizon = try #require(first.horizon)
            try await databases.consumer.setSyncWatermark(horizon, job: "test")

            // The third checkpoint throws: two pages of potato records are written by then.
            var checkpoints = 0
            await #expect(throws: Stopped.self) {
                try await databases.synchronizer(.full).run(checkpoint: {
                    checkpoints += 1
                    if checkpoints == 3 { throw Stopped() }
                })
            }
            #expect(try await databases.consumer.total(plant: .potato) == 16)
            #expect(try await databases.consumer.total(plant: .tomato) == 0)
            #expect(try await databases.consumer.syncWatermark(job: "test") == horizon)

            let next = try await databases.synchronizer(.full).run()
            #expect((next.recordsRead, next.recordsApplied) == (90, 74))
            try await databases.expectEqual()
        }
    }

    @Test func aPageSizeThatDividesTheRecordsEndsOnAnEmptyPage() async throws {
        try await SyncPairing(producer: .postgres, consumer: .postgres).with(perPlant: 16) { databases in
            let report = try await databases.synchronizer(.full).run()
            #expect(report.recordsRead == 48)
            #expect(report.pages == 9)
            try await databases.expectEqual()
        }
    }
}
