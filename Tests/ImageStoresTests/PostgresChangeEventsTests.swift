import ImageModel
import ImageStores
import Logging
import Postgres
import TestSupport
import Testing

/// The PostgreSQL store as either end of the stream sync: the outbox its changes fill (the
/// producer DB) and its guarded replica writes (the consumer DB). Each test works in a schema
/// of its own.
@Suite("PostgresChangeEvents")
struct PostgresChangeEventsTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123)
    static let later = Timestamp(millisecondsSinceEpoch: 1_696_779_599_456)
    static let gps = GPSCoordinates(latitude: 48.5, longitude: 16.25)

    // MARK: - Outbox

    @Test func eachChangeWritesOneEntryWhoseEnvelopeDecodesToTheChange() async throws {
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
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
            #expect(events.map(\.occurredAt) == events.map(\.occurredAt).sorted())
            #expect(events == [
                ChangeEvent(created: created, plant: .potato, occurredAt: events[0].occurredAt),
                ChangeEvent(changed: [.disease, .isActive], of: updated, plant: .potato, occurredAt: events[1].occurredAt),
                ChangeEvent(changed: [.isDeleted], of: deleted, plant: .potato, occurredAt: events[2].occurredAt),
            ])
            #expect(try await repository.pendingChangeCount() == 3)
        }
    }

    @Test func nothingIsWrittenWithoutTheFlagOrWithoutAChange() async throws {
        try await TestStore.postgres.withRepository(writesChangeEvents: false) { repository in
            let created = try await repository.create(plant: .tomato, NewImage(cameraID: 1, gpsCoordinates: Self.gps, data: [1]), at: Self.now)
            _ = try await repository.update(plant: .tomato, ImageUpdate(id: created.id, cameraID: 2), at: Self.later)
            _ = try await repository.softDelete(plant: .tomato, id: created.id, at: Self.later)
            #expect(try await repository.image(plant: .tomato, id: created.id)?.version == 3)
            #expect(try await repository.pendingChangeCount() == 0)
            #expect(try await repository.pendingChanges(limit: 10).isEmpty)
        }
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, cameraID: 4, isDeleted: true)])
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 1, cameraID: 4, isActive: false), at: Self.later)?.version == 1)
            #expect(try await repository.softDelete(plant: .tomato, id: 1, at: Self.later)?.version == 1)
            #expect(try await repository.update(plant: .tomato, ImageUpdate(id: 2, cameraID: 5), at: Self.later) == nil)
            #expect(try await repository.softDelete(plant: .tomato, id: 2, at: Self.later) == nil)
            #expect(try await repository.pendingChangeCount() == 0)
        }
    }

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

    @Test func entriesComeInSeqOrderAndEachImagesInVersionOrder() async throws {
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
            try await repository.insert(plant: .tomato, [Image.make(id: 1)])
            let changes: [(Plant, Int64)] = [(.potato, 2), (.potato, 1), (.tomato, 1), (.potato, 2), (.potato, 1), (.potato, 2)]
            for (index, (plant, id)) in changes.enumerated() {
                _ = try await repository.update(plant: plant, ImageUpdate(id: id, cameraID: Int64(index + 10)), at: Self.later)
            }
            let entries = try await repository.pendingChanges(limit: 100)
            #expect(entries.map { "\($0.plant.rawValue)-\($0.imageID)-\($0.version)" } == [
                "potato-2-2", "potato-1-2", "tomato-1-2", "potato-2-3", "potato-1-3", "potato-2-4",
            ])
            #expect(try await repository.pendingChanges(limit: 2) == Array(entries.prefix(2)))
            #expect(try await repository.pendingChanges(limit: 0).isEmpty)
        }
    }

    @Test func removePublishedRemovesOnlyTheGivenEntries() async throws {
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .potato, [Image.make(id: 1), Image.make(id: 2)])
            for camera in 2...3 {
                for id in 1...2 {
                    _ = try await repository.update(plant: .potato, ImageUpdate(id: Int64(id), cameraID: Int64(camera)), at: Self.later)
                }
            }
            let entries = try await repository.pendingChanges(limit: 10)
            #expect(entries.count == 4)
            try await repository.removePublished([entries[0], entries[2]])
            #expect(try await repository.pendingChanges(limit: 10) == [entries[1], entries[3]])
            // Already removed, or never there: ignored.
            let unknown = OutboxEntry(plant: .tomato, imageID: 1, version: 2, op: .update, envelope: [])
            try await repository.removePublished([entries[0], unknown, entries[3]])
            try await repository.removePublished([])
            #expect(try await repository.pendingChanges(limit: 10) == [entries[1]])
            #expect(try await repository.pendingChangeCount() == 1)
            try await repository.removeAll()
            #expect(try await repository.pendingChangeCount() == 0)
        }
    }

    @Test func concurrentUpdatesOfOneRecordWriteEachVersionOnceInOrder() async throws {
        let updates = 40
        try await TestStore.postgres.withRepository(writesChangeEvents: true) { repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 7, cameraID: 1)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for camera in 2...(updates + 1) {
                    group.addTask {
                        _ = try await repository.update(plant: .tomato, ImageUpdate(id: 7, cameraID: Int64(camera)), at: Self.later)
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await repository.pendingChanges(limit: 1_000)
            #expect(entries.map(\.version) == Array(2...Int64(updates + 1)))
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            #expect(events.map(\.version) == entries.map(\.version))
            // Each event carries the camera its own update set; together, every camera once.
            let cameras = events.compactMap { event -> Int64? in
                guard case .patch(let patch) = event.payload else { return nil }
                return patch.cameraID
            }
            #expect(Set(cameras) == Set(2...Int64(updates + 1)))
            #expect(try await repository.image(plant: .tomato, id: 7)?.cameraID == cameras.last)
        }
    }

    // MARK: - Replica

    @Test func upsertWritesEveryColumnOfANewOrOlderRecordOnly() async throws {
        try await TestStore.postgres.withRepository { repository in
            let stored = Image.make(id: 5, data: [1, 2, 3], disease: "Healthy", percentage: 0.25, version: 3)
            let inserted = try await repository.applyReplicaWrites([.upsert(.potato, stored)])
            #expect(inserted == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == stored)

            let other = Image.make(id: 5, cameraID: 9, data: [9], isActive: true, createdAt: Self.later, updatedAt: .some(nil))
            for version in [Int64(2), 3] {
                var older = other
                older.version = version
                #expect(try await repository.applyReplicaWrites([.upsert(.potato, older)]) == 0)
            }
            #expect(try await repository.image(plant: .potato, id: 5) == stored)

            var newer = other
            newer.version = 4
            #expect(try await repository.applyReplicaWrites([.upsert(.potato, newer)]) == 1)
            #expect(try await repository.image(plant: .potato, id: 5) == newer)
            #expect(try await repository.image(plant: .tomato, id: 5) == nil)
        }
    }

    @Test func patchSetsOnlyItsFieldsAndTheVersionOfAnOlderRecord() async throws {
        try await TestStore.postgres.withRepository { repository in
            let first = Image.make(id: 1, cameraID: 1, data: [1], disease: "Healthy", percentage: 0.5, version: 2)
            let second = Image.make(id: 2, cameraID: 2, data: [2], version: 1)
            try await repository.insert(plant: .pepper, [first, second])
            // The first row leaves most columns NULL; the second sets them: the VALUES list's
            // types must not come from the first row's NULLs.
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
            #expect(try await repository.image(plant: .pepper, id: 2)?.data == [2])
            #expect(try await repository.image(plant: .pepper, id: 2)?.createdAt == second.createdAt)
        }
    }

    @Test func stalePatchesAndPatchesOfMissingRecordsChangeNothing() async throws {
        try await TestStore.postgres.withRepository { repository in
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

    @Test func statesAreReturnedForExistingIDsOfThePlantOnly() async throws {
        try await TestStore.postgres.withRepository { repository in
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

    @Test func aBatchOfAThousandPatchesAndAHundredUpsertsIsOneCall() async throws {
        try await TestStore.postgres.withRepository { repository in
            try await repository.insert(plant: .potato, (1...1_000).map { Image.make(id: Int64($0), cameraID: 1) })
            let patches = (1...1_000).map { id in
                ReplicaWrite.patch(.potato, imageID: Int64(id), version: 2,
                                   ImagePatch(cameraID: Int64(id) + 1, percentage: id % 2 == 0 ? 0.5 : nil, updatedAt: Self.later))
            }
            let upserts = (1_001...1_100).map { ReplicaWrite.upsert(.potato, Image.make(id: Int64($0), cameraID: 7, version: 3)) }
            #expect(try await repository.applyReplicaWrites(upserts + patches) == 1_100)
            let all = try await repository.list(plant: .potato, fromID: 1, limit: 2_000, filter: ImageFilter())
            #expect(all.total == 1_100)
            #expect(all.images.prefix(1_000).allSatisfy { image in
                image.version == 2 && image.cameraID == image.id + 1 && image.updatedAt == Self.later
                    && image.percentage == (image.id % 2 == 0 ? 0.5 : nil)
            })
            #expect(all.images.suffix(100).allSatisfy { $0.version == 3 && $0.cameraID == 7 })
            // The same batch again is a redelivery: nothing changes.
            #expect(try await repository.applyReplicaWrites(upserts + patches) == 0)
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
