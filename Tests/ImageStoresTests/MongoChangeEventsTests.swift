import ImageModel
import ImageStores
import Mongo
import TestSupport
import Testing

/// What only the MongoDB store does as either end of the stream sync: its outbox lives inside
/// each record's document, hidden from the reads, and LIMS documents may lack a `version`. The
/// contract every store keeps is in `ChangeEventsContractTests`. Each test works in a
/// database of its own.
@Suite("MongoChangeEvents")
struct MongoChangeEventsTests {
    static let now = ChangeEventFixtures.now
    static let later = ChangeEventFixtures.later

    // MARK: - Outbox

    @Test func theOutboxIsInTheDocumentAndTheReadsIgnoreIt() async throws {
        try await withRepositoryAndPool { repository, pool in
            let (created, _, deleted) = try await ChangeEventFixtures.createUpdateAndDelete(in: repository)
            let events = try await repository.pendingChanges(limit: 10).map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.count == 3)

            // The outbox is in the document, with the time of its first event…
            let stored = try #require(try await pool.rawImage(plant: .potato, id: created.id))
            #expect(try stored.array("outbox").count == 3)
            #expect(try stored.int64("outbox_since") == events.first?.occurredAt)
            // …and the reads neither return nor choke on it.
            #expect(try await repository.image(plant: .potato, id: created.id) == deleted)
            #expect(try await repository.list(plant: .potato, fromID: 1, limit: 10, filter: ImageFilter()).images == [deleted])
            #expect(try await repository.random(plant: .potato, filter: ImageFilter()) == deleted)
        }
    }

    @Test func withoutTheFlagNoOutboxIsWrittenToTheDocument() async throws {
        try await withRepositoryAndPool(writesChangeEvents: false) { repository, pool in
            let created = try await ChangeEventFixtures.createUpdateAndDeleteWithoutEvents(in: repository)
            let stored = try #require(try await pool.rawImage(plant: .tomato, id: created.id))
            #expect(stored["outbox"] == nil && stored["outbox_since"] == nil)
        }
    }

    @Test func anEmptiedOutboxIsRemovedWithItsTime() async throws {
        try await withRepositoryAndPool { repository, pool in
            let entries = try await ChangeEventFixtures.twoChangesOfTwoRecords(in: repository)
            try await repository.removePublished(entries.filter { $0.imageID == 2 || $0.version == 2 })
            #expect(try await repository.pendingChanges(limit: 10).map(\.shortKey) == ["1-3"])
            // The emptied outbox is gone with its time; the other keeps both.
            let emptied = try #require(try await pool.rawImage(plant: .potato, id: 2))
            #expect(emptied["outbox"] == nil && emptied["outbox_since"] == nil)
            let kept = try #require(try await pool.rawImage(plant: .potato, id: 1))
            #expect(try kept.array("outbox").count == 1)
            #expect(kept["outbox_since"] != nil)
        }
    }

    // MARK: - Replica

    @Test func aLIMSDocumentWithoutVersionCountsAsVersionOne() async throws {
        try await withRepositoryAndPool(writesChangeEvents: false) { repository, pool in
            for id: Int64 in 1...3 {
                try await pool.insertRaw(plant: .tomato, [
                    "_id": .int32(Int32(id)), "id": .int32(Int32(id)), "camera_id": .int32(3), "data": .binary([0xFF, 0xD8]),
                    "gps_coordinates": .array([.double(48.5), .double(16.25)]), "created_at": .dateTime(Self.now.millisecondsSinceEpoch),
                    "updated_at": .null, "is_active": .bool(false), "is_deleted": .bool(false), "disease": .null, "percentage": .null,
                ])
            }
            let states = try await repository.replicaStates(plant: .tomato, ids: [1, 2])
            #expect(states[1] == ReplicaState(version: 1, lastChangedAt: Self.now) && states.count == 2)
            let limsRecord = try #require(try await repository.image(plant: .tomato, id: 1))
            // Version 1 is not newer than a LIMS record; version 2 is.
            var sameVersion = limsRecord
            sameVersion.cameraID = 9
            #expect(try await repository.applyReplicaWrites([.upsert(.tomato, sameVersion), .patch(.tomato, imageID: 2, version: 1, ImagePatch(cameraID: 9, updatedAt: Self.later))]).changed == 0)
            let patch = ImagePatch(disease: "Leaf Mold", updatedAt: Self.later)
            var newer = limsRecord
            newer.version = 2
            newer.isActive = true
            #expect(try await repository.applyReplicaWrites([.upsert(.tomato, newer), .patch(.tomato, imageID: 2, version: 2, patch)]).changed == 2)
            #expect(try await repository.image(plant: .tomato, id: 1) == newer)
            var patched = limsRecord
            patched.id = 2
            #expect(try await repository.image(plant: .tomato, id: 2) == patched.patched(patch, version: 2))
            // A patch assumed to follow version 1 applies to a document without one, and once.
            let assumed = ReplicaWrite.patch(.tomato, imageID: 3, version: 2, patch, base: 1)
            #expect(try await repository.applyReplicaWrites([assumed]) == ReplicaWriteResult(changed: 1))
            #expect(try await repository.applyReplicaWrites([assumed]) == ReplicaWriteResult(unapplied: [RecordKey(plant: .tomato, imageID: 3)]))
            #expect(try await repository.image(plant: .tomato, id: 3)?.version == 2)
            #expect(try await repository.total(plant: .tomato) == 3)
        }
    }

    // MARK: - Fixture

    /// Runs `body` with a migrated repository on a new database and a pool on the same
    /// database, for reading and writing documents directly.
    private func withRepositoryAndPool(writesChangeEvents: Bool = true,
                                       _ body: (MongoImageRepository, RawImages) async throws -> Void) async throws {
        try await TestStore.mongo.withFreshURL { url, _ in
            let repository = try MongoImageRepository(url: url, writesChangeEvents: writesChangeEvents, logger: TestStore.logger)
            let raw = try RawImages(url: url)
            do {
                try await repository.migrate()
                try await body(repository, raw)
            } catch {
                await raw.pool.close()
                await repository.close()
                throw error
            }
            await raw.pool.close()
            await repository.close()
        }
    }
}

/// The image collections of a test database, as documents.
struct RawImages {
    let pool: MongoClientPool

    init(url: String) throws {
        pool = try MongoClientPool(url: url, poolSize: 1, logger: TestStore.logger)
    }

    func rawImage(plant: Plant, id: Int64) async throws -> BSONDocument? {
        try await pool.withClient { [database = pool.databaseName!] client in
            try client.collection(plant.collectionName, database: database).findOne(["id": .int64(id)])
        }
    }

    func insertRaw(plant: Plant, _ document: BSONDocument) async throws {
        try await pool.withClient { [database = pool.databaseName!] client in
            try client.collection(plant.collectionName, database: database).insertOne(document)
        }
    }
}
