import Mongo
import Testing

@Suite struct MongoCollectionTests {
    private static func record(_ id: Int64, camera: Int64 = 1) -> BSONDocument {
        ["id": .int64(id), "camera_id": .int64(camera), "version": .int64(1)]
    }

    @Test func insertManyFindSortSkipLimitAndCount() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("items", database: database)
                let inserted = try collection.insertMany([3, 1, 5, 2, 4].map { Self.record($0, camera: $0 % 2) })
                #expect(inserted == 5)

                let ascending = try collection.find(options: MongoFindOptions(sort: ["id": .int32(1)]))
                #expect(try ascending.map { try $0.int64("id") } == [1, 2, 3, 4, 5])
                let page = try collection.find(["id": .document(["$gte": .int64(2)])],
                                               options: MongoFindOptions(sort: ["id": .int32(1)], skip: 1, limit: 2))
                #expect(try page.map { try $0.int64("id") } == [3, 4])
                let last = try collection.findOne(sort: ["id": .int32(-1)], projection: ["id": .int32(1)])
                #expect(try last?.int64("id") == 5)
                #expect(last?["camera_id"] == nil)

                #expect(try collection.countDocuments() == 5)
                #expect(try collection.countDocuments(["camera_id": .int64(1)]) == 3)
                #expect(try collection.findOne(["id": .int64(99)]) == nil)
            }
        }
    }

    @Test func binaryOf50KBSurvivesTheServerByteForByte() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("blobs", database: database)
                try collection.insertOne(["id": .int64(1), "data": .binary(allByteValues50KB),
                                          "created_at": .dateTime(1_696_779_589_123), "updated_at": .null])
                let found = try #require(try collection.findOne(["id": .int64(1)]))
                #expect(try found.binary("data") == allByteValues50KB)
                #expect(try found.dateTime("created_at") == 1_696_779_589_123)
                #expect(found["updated_at"] == .null)
            }
        }
    }

    @Test func uniqueIndexRejectsDuplicateWithCode11000() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("items", database: database)
                try collection.createIndex(["id": .int32(1)], name: "id_1", unique: true)
                try collection.createIndex(["id": .int32(1)], name: "id_1", unique: true) // idempotent
                try collection.insertOne(Self.record(1))
                #expect { try collection.insertOne(Self.record(1)) } throws: { error in
                    guard let error = error as? MongoError else { return false }
                    return error.isDuplicateKey && error.code == .duplicateKey && error.nativeCode == 11000
                        && !error.isConnectionFailure
                }
            }
        }
    }

    @Test func unorderedInsertManyWritesTheRestAndListsEachDuplicate() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("items", database: database)
                try collection.createIndex(["id": .int32(1)], name: "id_1", unique: true)
                _ = try collection.insertMany([Self.record(1), Self.record(2)])
                do {
                    _ = try collection.insertMany([1, 3, 2, 4].map { Self.record($0) }, ordered: false)
                    Issue.record("duplicates were accepted")
                } catch let error as MongoError {
                    #expect(error.isDuplicateKey)
                    #expect(error.writeErrors.map(\.index) == [0, 2])
                    #expect(error.writeErrors.allSatisfy { $0.code == 11000 })
                }
                #expect(try collection.countDocuments() == 4)
            }
        }
    }

    @Test func updateOneComparesAndSetsOnVersion() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("items", database: database)
                try collection.insertOne(Self.record(7))
                let change = BSONDocument { $0.appendDocument("$set") { set in
                    set.append("camera_id", .int64(9))
                    set.append("version", .int64(2))
                } }
                let first = try collection.updateOne(["id": .int64(7), "version": .int64(1)], change)
                #expect(first.matchedCount == 1 && first.modifiedCount == 1)
                let stale = try collection.updateOne(["id": .int64(7), "version": .int64(1)], change)
                #expect(stale.matchedCount == 0 && stale.modifiedCount == 0)
                let stored = try #require(try collection.findOne(["id": .int64(7)]))
                #expect(try stored.int64("camera_id") == 9 && stored.int64("version") == 2)
            }
        }
    }

    @Test func upsertDeleteManyAndDrop() async throws {
        try await MongoTestServer.withDatabase { pool, database in
            try await pool.withClient { client in
                let collection = client.collection("is_deployed", database: database)
                let set: BSONDocument = ["$set": .document(["is_deployed": .bool(true)])]
                #expect(try collection.updateOne(BSONDocument(), set, upsert: true).upsertedCount == 1)
                #expect(try collection.updateOne(BSONDocument(), set, upsert: true).upsertedCount == 0)
                #expect(try collection.countDocuments() == 1)
                #expect(try collection.deleteMany(BSONDocument()) == 1)
                try collection.drop()
                try client.collection("never_created", database: database).drop()
            }
        }
    }
}
