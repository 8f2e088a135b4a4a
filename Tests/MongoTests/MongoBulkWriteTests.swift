import Mongo
import Testing

@Suite struct MongoBulkWriteTests {
    private static func set(_ camera: Int64, version: Int64) -> BSONDocument {
        ["$set": .document(["camera_id": .int64(camera), "version": .int64(version)])]
    }

    /// An update of `id` only if its stored version is below `version`, inserting it when absent.
    private static func guarded(_ id: Int64, version: Int64, camera: Int64, upsert: Bool) -> MongoUpdateOperation {
        MongoUpdateOperation(filter: ["id": .int64(id), "version": .document(["$lt": .int64(version)])],
                             update: set(camera, version: version), upsert: upsert)
    }

    /// Runs `body` with an `items` collection that has a unique index on `id` and records 1…3 at version 1.
    private static func withItems(_ body: @escaping @Sendable (MongoCollection) throws -> Void) async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("items", database: database)
                try collection.createIndex(["id": .int32(1)], name: "id_1", unique: true)
                _ = try collection.insertMany((1...3).map { ["id": .int64($0), "camera_id": .int64(1), "version": .int64(1)] })
                try body(collection)
            }
        }
    }

    @Test func countsMatchedModifiedAndUpserted() async throws {
        try await Self.withItems { collection in
            let result = try collection.bulkWrite([
                Self.guarded(1, version: 2, camera: 5, upsert: false),                           // modifies
                MongoUpdateOperation(filter: ["id": .int64(2)], update: Self.set(1, version: 1)), // matches, same values
                Self.guarded(9, version: 1, camera: 5, upsert: false),                           // matches nothing
                Self.guarded(10, version: 1, camera: 7, upsert: true),                           // inserts
            ], ordered: false)
            #expect(result == MongoBulkWriteResult(matchedCount: 2, modifiedCount: 1, upsertedCount: 1))
            #expect(try collection.findOne(["id": .int64(1)])?.int64("camera_id") == 5)
            let inserted = try #require(try collection.findOne(["id": .int64(10)]))
            #expect(try inserted.int64("camera_id") == 7 && inserted.int64("version") == 1)
            #expect(try collection.countDocuments() == 4)
        }
    }

    @Test func unorderedBulkRunsTheRestAndReportsEachDuplicateKey() async throws {
        try await Self.withItems { collection in
            // A guarded upsert of a record whose stored version is not lower matches nothing,
            // so it tries to insert a second id 2 or 3: the unique index rejects it.
            let result = try collection.bulkWrite([
                Self.guarded(2, version: 1, camera: 9, upsert: true),
                Self.guarded(1, version: 5, camera: 9, upsert: true),
                Self.guarded(3, version: 1, camera: 9, upsert: true),
                Self.guarded(4, version: 1, camera: 9, upsert: true),
            ], ordered: false)
            #expect(result.writeErrors.map(\.index) == [0, 2])
            #expect(result.writeErrors.allSatisfy { $0.isDuplicateKey && $0.code == 11000 })
            #expect(result.matchedCount == 1 && result.modifiedCount == 1 && result.upsertedCount == 1)
            #expect(try collection.find(["camera_id": .int64(9)]).map { try $0.int64("id") }.sorted() == [1, 4])
        }
    }

    @Test func orderedBulkStopsAtTheFirstRejection() async throws {
        try await Self.withItems { collection in
            let result = try collection.bulkWrite([
                Self.guarded(1, version: 2, camera: 8, upsert: false),
                Self.guarded(2, version: 1, camera: 8, upsert: true),
                Self.guarded(3, version: 2, camera: 8, upsert: false),
            ])
            #expect(result.writeErrors.map(\.index) == [1])
            #expect(result.modifiedCount == 1)
            #expect(try collection.findOne(["id": .int64(3)])?.int64("camera_id") == 1)
        }
    }

    @Test func operationsRunInOrderWhenOrdered() async throws {
        try await Self.withItems { collection in
            // The second operation sees the first one's write.
            let result = try collection.bulkWrite([
                MongoUpdateOperation(filter: ["id": .int64(1)], update: Self.set(4, version: 2)),
                MongoUpdateOperation(filter: ["id": .int64(1), "version": .int64(2)], update: Self.set(6, version: 3)),
            ])
            #expect(result.modifiedCount == 2 && result.writeErrors.isEmpty)
            #expect(try collection.findOne(["id": .int64(1)])?.int64("version") == 3)
        }
    }

    @Test func insertsAndUpdatesMixedKeepTheirPositionsInWriteErrors() async throws {
        try await Self.withItems { collection in
            let result = try collection.bulkWrite([
                .insert(["id": .int64(4), "camera_id": .int64(8), "version": .int64(1)]),  // inserts
                .update(Self.guarded(1, version: 2, camera: 5, upsert: false)),           // modifies
                .insert(["id": .int64(2), "camera_id": .int64(9), "version": .int64(1)]),  // duplicate key
                .update(Self.guarded(11, version: 1, camera: 7, upsert: true)),           // upserts
                .insert(["id": .int64(5), "camera_id": .int64(6), "version": .int64(1)]),  // inserts
            ], ordered: false)
            #expect(result.insertedCount == 2 && result.modifiedCount == 1 && result.upsertedCount == 1)
            #expect(result.writeErrors.map(\.index) == [2] && result.writeErrors.allSatisfy(\.isDuplicateKey))
            #expect(try collection.findOne(["id": .int64(2)])?.int64("camera_id") == 1)
            #expect(try collection.findOne(["id": .int64(5)])?.int64("camera_id") == 6)
            #expect(try collection.countDocuments() == 6)
        }
    }

    @Test func emptyBulkWritesNothingAndInvalidUpdateThrows() async throws {
        try await Self.withItems { collection throws in
            #expect(try collection.bulkWrite([MongoUpdateOperation]()) == .empty)
            #expect(try collection.bulkWrite([MongoWriteOperation]()) == .empty)
            // A replacement document where an update is expected: libmongoc refuses it before
            // sending anything (domain MONGOC_ERROR_COMMAND, code MONGOC_ERROR_COMMAND_INVALID_ARG).
            let replacement = MongoUpdateOperation(filter: ["id": .int64(1)], update: ["camera_id": .int64(3)])
            #expect { try collection.bulkWrite([Self.guarded(2, version: 2, camera: 3, upsert: false), replacement]) } throws: { error in
                guard let error = error as? MongoError else { return false }
                return error.domain == 11 && error.nativeCode == 22 && !error.isDuplicateKey && error.writeErrors.isEmpty
            }
            #expect(try collection.findOne(["id": .int64(2)])?.int64("camera_id") == 1)
            #expect(try collection.findOne(["id": .int64(1)])?.int64("camera_id") == 1)
        }
    }

    @Test func aBulkEncodedBeforehandRunsLaterOnTheCollectionItIsGiven() async throws {
        // Encoded outside any client, from documents made one at a time as the bulk takes them.
        let bulk = try MongoBulkWrite((4...6).lazy.map { id -> MongoWriteOperation in
            .insert(["id": .int64(id), "camera_id": .int64(id), "version": .int64(1)])
        } + [.update(Self.guarded(1, version: 2, camera: 5, upsert: false)), .insert(["id": .int64(2)])], ordered: false)
        #expect(bulk.count == 5)
        let empty = try MongoBulkWrite([MongoWriteOperation](), ordered: false)
        #expect(empty.count == 0)
        #expect {
            try MongoBulkWrite([.update(MongoUpdateOperation(filter: ["id": .int64(1)], update: ["camera_id": .int64(3)]))])
        } throws: { ($0 as? MongoError)?.nativeCode == 22 }
        try await Self.withItems { collection in
            #expect(try collection.execute(empty) == .empty)
            let result = try collection.execute(bulk)
            #expect(result.insertedCount == 3 && result.modifiedCount == 1)
            #expect(result.writeErrors.map(\.index) == [4] && result.writeErrors.allSatisfy(\.isDuplicateKey))
            #expect(try collection.countDocuments() == 6)
            #expect(try collection.findOne(["id": .int64(1)])?.int64("camera_id") == 5)
            #expect(try collection.findOne(["id": .int64(6)])?.int64("camera_id") == 6)
        }
    }

    @Test func unknownOperatorIsAWriteErrorButNotADuplicateKey() async throws {
        try await Self.withItems { collection in
            let bogus: BSONDocument = ["$bogus": .document(["camera_id": .int64(3)])]
            let result = try collection.bulkWrite([MongoUpdateOperation(filter: ["id": .int64(1)], update: bogus)])
            #expect(result.writeErrors.count == 1)
            #expect(result.writeErrors.allSatisfy { !$0.isDuplicateKey })
        }
    }

    @Test func unreachableServerThrowsAConnectionFailure() async throws {
        let pool = try MongoClientPool(url: "mongodb://127.0.0.1:1/none", poolSize: 1, serverSelectionTimeoutMS: 200,
                                       logger: MongoTestServer.logger)
        await #expect { try await pool.withClient { client in
            try client.collection("items", database: "none").bulkWrite([MongoUpdateOperation(filter: BSONDocument(), update: Self.set(1, version: 1))])
        } } throws: { ($0 as? MongoError)?.isConnectionFailure == true }
        await pool.close()
    }
}
