import ImageModel
import ImageStores
import Logging
import Mongo
import TestSupport
import Testing

/// The MongoDB store as either end of the stream sync: the outbox its changes fill inside each
/// record's document (the producer DB) and its guarded replica writes (the consumer DB). Each
/// test works in a database of its own.
@Suite("MongoChangeEvents")
struct MongoChangeEventsTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123)
    static let later = Timestamp(millisecondsSinceEpoch: 1_696_779_599_456)
    static let gps = GPSCoordinates(latitude: 48.5, longitude: 16.25)

    // MARK: - Outbox

    @Test func eachChangeWritesOneEntryWhoseEnvelopeDecodesToTheChange() async throws {
        try await withRepositoryAndPool { repository, pool in
            let before = Timestamp.currentMicroseconds()
            let created = try await repository.create(plant: .potato, NewImage(cameraID: 3, gpsCoordinates: Self.gps, data: [0xFF, 0xD8, 7]),
                                                      at: Self.now)
            let updated = try #require(try await repository.update(plant: .potato, ImageUpdate(id: created.id, disease: "Late Blight",
                                                                                                 isActive: true), at: Self.later))
            let deleted = try #require(try await repository.softDelete(plant: .potato, id: created.id, at: Self.later))
            let after = Timestamp.currentMicroseconds()

            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.map(\.op) == [.create, .update, .delete])
            #expect(entries.map(\.version) == [1, 2, 3])
            #expect(entries.allSatisfy { $0.plant == .potato && $0.imageID == created.id })
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.allSatisfy { (before...after).contains($0.occurredAt) })
            #expect(events == [
                ChangeEvent(created: created, plant: .potato, occurredAt: events[0].occurredAt),
                ChangeEvent(changed: [.disease, .isActive], of: updated, plant: .potato, occurredAt: events[1].occurredAt),
                ChangeEvent(changed: [.isDeleted], of: deleted, plant: .potato, occurredAt: events[2].occurredAt),
            ])
            #expect(try await repository.pendingChangeCount() == 3)

            // The outbox is in the document, with the time of its first event…
            let stored = try #require(try await pool.rawImage(plant: .potato, id: created.id))
            #expect(try stored.array("outbox").count == 3)
            #expect(try stored.int64("outbox_since") == events[0].occurredAt)
            // …and the reads neither return nor choke on it.
            #expect(try await repository.image(plant: .potato, id: created.id) == deleted)
            #expect(try await repository.list(plant: .potato, fromID: 1, limit: 10, filter: ImageFilter()).images == [deleted])
            #expect(try await repository.random(plant: .potato, filter: ImageFilter()) == deleted)
        }
    }

    @Test func nothingIsWrittenWithoutTheFlagOrWithoutAChange() async throws {
        try await withRepositoryAndPool(writesChangeEvents: false) { repository, pool in
            let created = try await repository.create(plant: .tomato, NewImage(cameraID: 1, gpsCoordinates: Self.gps, data: [1]), at: Self.now)
            _ = try await repository.update(plant: .tomato, ImageUpdate(id: created.id, cameraID: 2), at: Self.later)
            _ = try await repository.softDelete(plant: .tomato, id: created.id, at: Self.later)
            #expect(try await repository.image(plant: .tomato, id: created.id)?.version == 3)
            let stored = try #require(try await pool.rawImage(plant: .tomato, id: created.id))
            #expect(stored["outbox"] == nil && stored["outbox_since"] == nil)
            #expect(try await repository.pendingChangeCount() == 0)
            #expect(try await repository.pendingChanges(limit: 10).isEmpty)
        }
        try await TestStore.mongo.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, cameraID: 4, isDeleted: true)])
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 1, cameraID: 4, isActive: false), at: Self.later)?.version == 1)
            #expect(try await repository.softDelete(plant: .tomato, id: 1, at: Self.later)?.version == 1)
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 2, cameraID: 5), at: Self.later) == nil)
            #expect(try await repository.softDelete(plant: .tomato, id: 2, at: Self.later) == nil)
            #expect(try await repository.pendingChangeCount() == 0)
            #expect(try await repository.pendingChanges(limit: 10).isEmpty)
        }
    }

    @Test func eachRecordsEntriesComeInVersionOrderAcrossPlants() async throws {
        try await TestStore.mongo.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
            try await repository.insert(plant: .tomato, [Image.make(id: 1)])
            let changes: [(Plant, Int64)] = [(.potato, 2), (.potato, 1), (.tomato, 1), (.potato, 2), (.potato, 1), (.potato, 2)]
            for (index, (plant, id)) in changes.enumerated() {
                _ = try await repository.update(plant: plant, ImageUpdate(id: id, cameraID: Int64(index + 10)), at: Self.later)
            }
            let entries = try await repository.pendingChanges(limit: 100)
            #expect(entries.count == changes.count)
            let keys = entries.map { "\($0.plant.rawValue)-\($0.imageID)" }
            for key in ["potato-1", "potato-2", "tomato-1"] {
                let versions = entries.filter { "\($0.plant.rawValue)-\($0.imageID)" == key }.map(\.version)
                #expect(versions == Array(2...Int64(versions.count + 1)), "\(key)")
            }
            // Records in the order of their first pending change.
            #expect(keys.firstIndex(of: "potato-2")! < keys.firstIndex(of: "potato-1")!)
            #expect(keys.firstIndex(of: "potato-1")! < keys.firstIndex(of: "tomato-1")!)
            #expect(try await repository.pendingChanges(limit: 2) == Array(entries.prefix(2)))
            #expect(try await repository.pendingChanges(limit: 0).isEmpty)
            #expect(try await repository.pendingChangeCount() == Int64(changes.count))
        }
    }

    @Test func removePublishedRemovesOnlyTheGivenEntries() async throws {
        try await withRepositoryAndPool { repository, pool in
            try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
            for camera in 2...3 {
                for id in 1...2 {
                    _ = try await repository.update(plant: .potato, ImageUpdate(id: Int64(id), cameraID: Int64(camera)), at: Self.later)
                }
            }
            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.map { "\($0.imageID)-\($0.version)" }.sorted() == ["1-2", "1-3", "2-2", "2-3"])
            let first = try #require(entries.first { $0.imageID == 1 && $0.version == 2 })
            let both = entries.filter { $0.imageID == 2 }
            try await repository.removePublished([first] + both)
            #expect(try await repository.pendingChanges(limit: 10).map { "\($0.imageID)-\($0.version)" } == ["1-3"])
            // The emptied outbox is gone with its time; the other keeps both.
            let emptied = try #require(try await pool.rawImage(plant: .potato, id: 2))
            #expect(emptied["outbox"] == nil && emptied["outbox_since"] == nil)
            #expect(try await pool.rawImage(plant: .potato, id: 1)?["outbox_since"] != nil)
            // Already removed, or never there: ignored.
            let unknown = OutboxEntry(plant: .tomato, imageID: 1, version: 2, op: .update, envelope: [])
            try await repository.removePublished([first, unknown] + both)
            try await repository.removePublished([])
            #expect(try await repository.pendingChangeCount() == 1)
            // A change after its record's outbox emptied makes it pending again.
            _ = try await repository.update(plant: .potato, ImageUpdate(id: 2, cameraID: 9), at: Self.later)
            #expect(try await repository.pendingChanges(limit: 10).map { "\($0.imageID)-\($0.version)" }.sorted() == ["1-3", "2-4"])
            try await repository.removeAll()
            #expect(try await repository.pendingChangeCount() == 0)
        }
    }

    @Test func concurrentUpdatesOfOneRecordWriteEachVersionOnceInOrder() async throws {
        let updates = 20
        try await withRepositoryAndPool { repository, pool in
            // A second process on the same database races the first.
            let other = try MongoImageRepository(url: pool.url, writesChangeEvents: true, logger: TestStore.logger)
            try await repository.insert(plant: .tomato, [Image.make(id: 7, cameraID: 1)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...(updates + 1) {
                    let writer = camera % 2 == 0 ? repository : other
                    group.addTask {
                        _ = try await writer.update(plant: .tomato, ImageUpdate(id: 7, cameraID: Int64(camera)), at: Self.later)
                    }
                }
                try await group.waitForAll()
            }
            await other.close()
            let entries = try await repository.pendingChanges(limit: 1_000)
            #expect(entries.map(\.version) == Array(2...Int64(updates + 1)))
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.map(\.version) == entries.map(\.version))
            // Each event carries the camera its own update set; together, every camera once.
            let cameras = events.compactMap { event -> Int64? in
                guard case .patch(let patch) = event.payload else { return nil }
                return patch.cameraID
            }
            #expect(Set(cameras) == Set(2...Int64(updates + 1)) && cameras.count == updates)
            #expect(try await repository.image(plant: .tomato, id: 7)?.cameraID == cameras.last)
        }
    }

    // MARK: - Replica

    @Test func upsertWritesEveryFieldOfANewOrOlderRecordOnly() async throws {
        // `throws`: every `try` of this body is inside `#expect`, which closure inference misses.
        try await TestStore.mongo.withRepository { repository throws in
            let stored = Image.make(id: 5, data: [1, 2, 3], disease: "Healthy", percentage: 0.25, version: 3)
            #expect(try await repository.applyReplicaWrites([.upsert(.potato, stored)]) == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == stored)

            let other = Image.make(id: 5, cameraID: 9, data: [9], isActive: true, createdAt: Self.later, updatedAt: nil)
            for version: Int64 in [2, 3] {
                var older = other
                older.version = version
                #expect(try await repository.applyReplicaWrites([.upsert(.potato, older)]) == 0)
            }
            #expect(try await repository.image(plant: .potato, id: 5) == stored)
            #expect(try await repository.total(plant: .potato) == 1)

            var newer = other
            newer.version = 4
            #expect(try await repository.applyReplicaWrites([.upsert(.potato, newer)]) == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == newer)
            #expect(try await repository.image(plant: .tomato, id: 5) == nil)
        }
    }

    @Test func patchSetsOnlyItsFieldsAndTheVersionOfAnOlderRecord() async throws {
        try await TestStore.mongo.withRepository { repository in
            let first = Image.make(id: 1, cameraID: 1, data: [1], disease: "Healthy", percentage: 0.5, version: 2)
            let second = Image.make(id: 2, cameraID: 2, data: [2], version: 1)
            try await repository.insert(plant: .pepper, [first, second])
            let onlyActive = ImagePatch(isActive: true, updatedAt: Self.later)
            let everything = ImagePatch(cameraID: 8, gpsCoordinates: GPSCoordinates(latitude: -1.5, longitude: 2.75),
                                        disease: "Bacterial Spot", percentage: 0.75, isActive: true, isDeleted: true,
                                        updatedAt: Self.later)
            let changed = try await repository.applyReplicaWrites([
                .patch(.pepper, imageID: 1, version: 3, onlyActive),
                .patch(.pepper, imageID: 2, version: 5, everything),
            ])
            #expect(changed == 2)
            #expect(try await repository.image(plant: .pepper, id: 1) == first.patched(onlyActive, version: 3))
            #expect(try await repository.image(plant: .pepper, id: 2) == second.patched(everything, version: 5))
        }
    }

    @Test func stalePatchesAndPatchesOfMissingRecordsChangeNothing() async throws {
        try await TestStore.mongo.withRepository { repository in
            let stored = Image.make(id: 1, cameraID: 1, version: 4)
            try await repository.insert(plant: .potato, [stored])
            let patch = ImagePatch(cameraID: 2, isDeleted: true, updatedAt: Self.later)
            let changed = try await repository.applyReplicaWrites([
                .patch(.potato, imageID: 1, version: 4, patch),
                .patch(.potato, imageID: 2, version: 9, patch),
                .patch(.tomato, imageID: 1, version: 9, patch),
            ])
            #expect(changed == 0)
            #expect(try await repository.applyReplicaWrites([.patch(.potato, imageID: 1, version: 3, patch)]) == 0)
            #expect(try await repository.applyReplicaWrites([]) == 0)
            #expect(try await repository.image(plant: .potato, id: 1) == stored)
            #expect(try await repository.total(plant: .potato) == 1)
            #expect(try await repository.total(plant: .tomato) == 0)
        }
    }

    @Test func aLIMSDocumentWithoutVersionCountsAsVersionOne() async throws {
        try await withRepositoryAndPool(writesChangeEvents: false) { repository, pool in
            for id: Int64 in 1...2 {
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
            #expect(try await repository.applyReplicaWrites([.upsert(.tomato, sameVersion), .patch(.tomato, imageID: 2, version: 1, ImagePatch(cameraID: 9, updatedAt: Self.later))]) == 0)
            let patch = ImagePatch(disease: "Leaf Mold", updatedAt: Self.later)
            var newer = limsRecord
            newer.version = 2
            newer.isActive = true
            #expect(try await repository.applyReplicaWrites([.upsert(.tomato, newer), .patch(.tomato, imageID: 2, version: 2, patch)]) == 2)
            #expect(try await repository.image(plant: .tomato, id: 1) == newer)
            var patched = limsRecord
            patched.id = 2
            #expect(try await repository.image(plant: .tomato, id: 2) == patched.patched(patch, version: 2))
            #expect(try await repository.total(plant: .tomato) == 2)
        }
    }

    @Test func statesAreReturnedForExistingIDsOfThePlantOnly() async throws {
        try await TestStore.mongo.withRepository { repository in
            try await repository.insert(plant: .tomato, [
                Image.make(id: 1, updatedAt: .some(nil), version: 1),
                Image.make(id: 2, updatedAt: Self.later, version: 6),
            ])
            try await repository.insert(plant: .potato, [Image.make(id: 3)])
            let states = try await repository.replicaStates(plant: .tomato, ids: [1, 2, 3, 99])
            #expect(states == [
                1: ReplicaState(version: 1, lastChangedAt: Image.make(id: 1).createdAt),
                2: ReplicaState(version: 6, lastChangedAt: Self.later),
            ])
            #expect(try await repository.replicaStates(plant: .tomato, ids: []).isEmpty)
            #expect(try await repository.replicaStates(plant: .pepper, ids: [1, 2]).isEmpty)
        }
    }

    @Test func aBatchOfFiveHundredPatchesAndFiftyUpsertsIsOneCall() async throws {
        try await TestStore.mongo.withRepository { repository in
            try await repository.insert(plant: .potato, (1...500).map { Image.make(id: Int64($0), cameraID: 1) })
            let patches = (1...500).map { id in
                ReplicaWrite.patch(.potato, imageID: Int64(id), version: 2,
                                   ImagePatch(cameraID: Int64(id) + 1, percentage: id % 2 == 0 ? 0.5 : nil, updatedAt: Self.later))
            }
            let upserts = (501...550).map { ReplicaWrite.upsert(.potato, Image.make(id: Int64($0), cameraID: 7, version: 3)) }
            let pepper = ReplicaWrite.upsert(.pepper, Image.make(id: 1, version: 2))
            #expect(try await repository.applyReplicaWrites(upserts + patches + [pepper]) == 551)
            let all = try await repository.list(plant: .potato, fromID: 1, limit: 1_000, filter: ImageFilter())
            #expect(all.total == 550)
            #expect(all.images.prefix(500).allSatisfy { image in
                image.version == 2 && image.cameraID == image.id + 1 && image.updatedAt == Self.later
                    && image.percentage == (image.id % 2 == 0 ? 0.5 : nil)
            })
            #expect(all.images.suffix(50).allSatisfy { $0.version == 3 && $0.cameraID == 7 })
            #expect(try await repository.total(plant: .pepper) == 1)
            // The same batch again is a redelivery: nothing changes.
            #expect(try await repository.applyReplicaWrites(upserts + patches + [pepper]) == 0)
            #expect(try await repository.total(plant: .potato) == 550)
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
    let url: String
    let pool: MongoClientPool

    init(url: String) throws {
        self.url = url
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
