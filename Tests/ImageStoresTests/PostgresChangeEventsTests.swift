import Foundation
import ImageModel
import ImageStores
import Postgres
import TestSupport
import Testing

/// What only the PostgreSQL store does as the producer DB of the stream sync: its outbox is a
/// table, written in the change's transaction and read in `seq` order. The contract every
/// store keeps is in `ChangeEventsContractTests`. Each test works in a schema of its own.
@Suite("PostgresChangeEvents")
struct PostgresChangeEventsTests {
    static let now = ChangeEventFixtures.now
    static let later = ChangeEventFixtures.later
    static let gps = ChangeEventFixtures.gps

    @Test func aChangeThatFailsLeavesNeitherTheChangeNorItsEntry() async throws {
        try await withRepositoryAndAdmin { repository, admin in
            try await repository.insert(plant: .pepper, [Image.make(id: 1, cameraID: 1)])
            // An entry already holding the key of the next change's event makes its outbox
            // INSERT fail, after the UPDATE of the record in the same transaction.
            try await admin.withConnection { connection in
                _ = try connection.query("INSERT INTO outbox (plant, image_id, version, op, envelope) VALUES ('pepper', 1, 2, 'update', '\\x00')")
            }
            await #expect(throws: ImageError.self) {
                try await repository.update(plant: .pepper, ImageUpdate(id: 1, cameraID: 9), at: Self.later)
            }
            #expect(try await repository.image(plant: .pepper, id: 1) == Image.make(id: 1, cameraID: 1))
            #expect(try await repository.pendingChanges(limit: 10).map(\.envelope) == [[0x00]])
            // A create that fails (no data to copy) writes no entry either.
            await #expect(throws: ImageError.self) {
                try await repository.create(plant: .potato, NewImage(cameraID: 1, gpsCoordinates: Self.gps), at: Self.now)
            }
            #expect(try await repository.pendingChangeCount() == 1)
        }
    }

    @Test func entriesComeInSeqOrderAcrossRecords() async throws {
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
            // The order of the changes themselves, not grouped by record.
            let entries = try await ChangeEventFixtures.interleavedChanges(in: repository)
            #expect(entries.map { "\($0.plant.rawValue)-\($0.imageID)-\($0.version)" } == [
                "potato-2-2", "potato-1-2", "tomato-1-2", "potato-2-3", "potato-1-3", "potato-2-4",
            ])
        }
    }

    /// Another relay publishes a record's event, removes it and releases the record while this
    /// relay's claim of it waits for that release: what this relay then reads must not hold
    /// the removed event (read with the claim's snapshot, it did: a publish twice).
    @Test func aClaimThatWaitedForAReleaseReadsNoEventRemovedBeforeIt() async throws {
        try await withRepositoryAndAdmin { repository, admin in
            try await repository.insert(plant: .potato, [Image.make(id: 1)])
            for camera: Int64 in 2...3 {
                _ = try await repository.update(plant: .potato, ImageUpdate(id: 1, cameraID: camera), at: Self.later)
            }
            #expect(try await repository.pendingChanges(limit: 10).map(\.version) == [2, 3])
            // The other relay's claim, not yet committed when this relay claims; one
            // transaction is one call (the pool drops a connection left inside one).
            let (claimedByOther, signal) = AsyncStream<Void>.makeStream()
            let other = Task {
                try await admin.withConnection { connection in
                    _ = try connection.query("BEGIN")
                    _ = try connection.query("INSERT INTO outbox_claims (plant, image_id, owner, until) VALUES ('potato', 1, 'relay-b', now() + interval '1 minute')")
                    signal.yield()
                    let deadline = ContinuousClock.now + .seconds(30)
                    while true {
                        _ = try connection.query("SELECT pg_stat_clear_snapshot()")
                        let waiting = try connection.query("""
                            SELECT count(*) FROM pg_stat_activity
                            WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO outbox_claims%' AND pid <> pg_backend_pid()
                            """).scalar(Int64.self)
                        if waiting > 0 { break }
                        guard ContinuousClock.now < deadline else { throw PostgresError(code: .closed, message: "the claim never waited") }
                        usleep(5_000)
                    }
                    _ = try connection.query("DELETE FROM outbox WHERE plant = 'potato' AND image_id = 1 AND version = 2")
                    _ = try connection.query("DELETE FROM outbox_claims WHERE owner = 'relay-b'")
                    _ = try connection.query("COMMIT")
                }
            }
            for await _ in claimedByOther { break }
            let claimed = try await repository.pendingChanges(limit: 10, maxBytes: 1 << 20, claimant: OutboxClaimant(id: "relay-a", lease: .seconds(30)))
            try await other.value
            #expect(claimed.map(\.version) == [3])
        }
    }

    // MARK: - Fixture

    /// Runs `body` with an event-writing repository on a new schema and a pool on the same
    /// schema, for reaching the tables directly.
    private func withRepositoryAndAdmin(_ body: (PostgresImageRepository, PostgresPool) async throws -> Void) async throws {
        try await TestStore.postgres.withFreshURL { url, _ in
            let repository = try PostgresImageRepository(url: url, writesChangeEvents: true, logger: TestStore.logger)
            let admin = try PostgresPool(url: url, size: 1, logger: TestStore.logger)
            do {
                try await repository.migrate()
                try await body(repository, admin)
            } catch {
                await admin.close()
                await repository.close()
                throw error
            }
            await admin.close()
            await repository.close()
        }
    }
}
