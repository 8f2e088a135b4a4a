import BatchSync
import Dispatch
import ImageModel
import Postgres
import TestSupport
import Testing

/// The incremental batch misses nothing whatever the writers' clocks and however late their
/// changes commit: it reads by the producer DB's own order of changes.
@Suite struct BatchSyncHorizonTests {
    /// A change made in a transaction that stays open across two runs, and stamped with a time
    /// long before them, is copied by the first run after it commits.
    @Test(arguments: [SyncPairing(producer: .postgres, consumer: .postgres), SyncPairing(producer: .postgres, consumer: .mongo)])
    func aTransactionHeldOpenAcrossTwoRunsIsCopiedOnceItCommits(pairing: SyncPairing) async throws {
        try await pairing.with(perPlant: 10) { databases in
            #expect(try await databases.synchronizer(.incremental).run().recordsApplied == 30)
            // The transaction runs on one pooled connection, whose body waits (on the pool's
            // Dispatch queue, not a task) until the runs are done.
            let session = try PostgresPool(url: databases.producerURL, size: 1, logger: SyncPairing.logger)
            let (updated, commit) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
            async let held: Void = session.withConnection { connection in
                try connection.query("BEGIN")
                try connection.query("""
                    UPDATE images SET camera_id = 4242, version = version + 1, updated_at = now() - interval '2 hours'
                    WHERE plant = 'potato' AND id = 3
                    """)
                updated.signal()
                commit.wait()
                try connection.query("COMMIT")
            }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { updated.wait(); continuation.resume() }
            }
            do {
                for _ in 0..<2 {
                    let run = try await databases.synchronizer(.incremental, margin: .zero).run()
                    #expect(run.recordsApplied == 0)
                }
            } catch {
                commit.signal()
                throw error
            }
            commit.signal()
            try await held
            await session.close()
            let after = try await databases.synchronizer(.incremental, margin: .zero).run()
            #expect((after.recordsRead, after.recordsApplied) == (1, 1))
            #expect(try await databases.consumer.image(plant: .potato, id: 3)?.cameraID == 4242)
            try await databases.expectEqual()
        }
    }

    /// Changes from a writer whose clock is 90 s behind (more than the margin) are copied by
    /// the next run, on every store pairing.
    @Test(arguments: SyncPairing.all)
    func aWriterWithItsClockSetBackIsCopied(pairing: SyncPairing) async throws {
        try await pairing.with(perPlant: 10) { databases in
            _ = try await databases.synchronizer(.incremental).run()
            let behind = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 90_000)
            _ = try await databases.producer.update(plant: .potato, ImageUpdate(id: 2, cameraID: 777), at: behind)
            _ = try await databases.producer.softDelete(plant: .pepper, id: 4, at: behind)
            _ = try await databases.producer.create(plant: .tomato, NewImage(cameraID: 5, gpsCoordinates: GPSCoordinates(latitude: 3, longitude: 4)), at: behind)
            let run = try await databases.synchronizer(.incremental).run()
            #expect(run.recordsApplied == 3)
            try await databases.expectEqual()
        }
    }
}
