import CMongoC

/// What `updateOne` did.
public struct MongoUpdateResult: Sendable, Hashable {
    /// Documents that matched the filter (0 or 1).
    public let matchedCount: Int64
    /// Documents actually changed (0 when the update set values they already had).
    public let modifiedCount: Int64
    /// 1 when an upsert inserted a new document.
    public let upsertedCount: Int64
}

extension MongoCollection {
    /// Inserts one document; the driver adds an ObjectId `_id` when it has none.
    /// - Throws: `MongoError` with `isDuplicateKey` when a unique index rejects it.
    public func insertOne(_ document: BSONDocument) throws(MongoError) {
        let (ok, reply, error) = withReply { reply, error in
            withHandle { collection in
                document.withBSON { mongoc_collection_insert_one(collection, $0, nil, reply, error) }
            }
        }
        guard ok else { throw MongoError(error, reply: reply) }
    }

    /// Inserts `documents` in one bulk write and returns how many were inserted.
    ///
    /// With `ordered: false` the server goes on after a rejected document; the error then
    /// lists every rejection in `writeErrors` (all duplicates: `isDuplicateKey`).
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true) throws(MongoError) -> Int64 {
        guard !documents.isEmpty else { return 0 } // libmongoc rejects an empty batch
        let opts: BSONDocument = ["ordered": .bool(ordered)]
        let (ok, reply, error) = withReply { reply, error in
            withHandle { collection in
                opts.withBSON { opts in
                    BSONDocument.withBSONs(documents) { pointers in
                        var pointers = pointers
                        return pointers.withUnsafeMutableBufferPointer {
                            mongoc_collection_insert_many(collection, $0.baseAddress, $0.count, opts, reply, error)
                        }
                    }
                }
            }
        }
        guard ok else { throw MongoError(error, reply: reply) }
        return try reply.int64("insertedCount")
    }

    /// Applies `update` (e.g. `{$set: {...}}`) to the first document matching `filter`; with
    /// `upsert`, inserts one when none matches.
    public func updateOne(_ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false) throws(MongoError) -> MongoUpdateResult {
        try self.update(filter, update, upsert: upsert, call: mongoc_collection_update_one)
    }

    /// Applies `update` to every document matching `filter`, each atomically.
    @discardableResult
    public func updateMany(_ filter: BSONDocument, _ update: BSONDocument) throws(MongoError) -> MongoUpdateResult {
        try self.update(filter, update, upsert: false, call: mongoc_collection_update_many)
    }

    // bson_t is imported as an opaque type, so libmongoc's update functions take OpaquePointers.
    private typealias UpdateCall = (OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?,
                                    UnsafeMutablePointer<bson_error_t>?) -> Bool

    private func update(_ filter: BSONDocument, _ update: BSONDocument, upsert: Bool, call: UpdateCall) throws(MongoError) -> MongoUpdateResult {
        let opts: BSONDocument = ["upsert": .bool(upsert)]
        let (ok, reply, error) = withReply { reply, error in
            withHandle { collection in
                filter.withBSON { filter in
                    update.withBSON { update in
                        opts.withBSON { call(collection, filter, update, $0, reply, error) }
                    }
                }
            }
        }
        guard ok else { throw MongoError(error, reply: reply) }
        return MongoUpdateResult(matchedCount: try reply.int64("matchedCount"),
                                 modifiedCount: try reply.int64("modifiedCount"),
                                 upsertedCount: (try? reply.int64("upsertedCount")) ?? 0)
    }

    /// Deletes every document matching `filter` and returns how many there were.
    @discardableResult
    public func deleteMany(_ filter: BSONDocument) throws(MongoError) -> Int64 {
        let (ok, reply, error) = withReply { reply, error in
            withHandle { collection in
                filter.withBSON { mongoc_collection_delete_many(collection, $0, nil, reply, error) }
            }
        }
        guard ok else { throw MongoError(error, reply: reply) }
        return try reply.int64("deletedCount")
    }

    /// Creates an index on `keys` (e.g. `["id": .int32(1)]`) unless one with that name exists;
    /// creates the collection if needed.
    public func createIndex(_ keys: BSONDocument, name: String, unique: Bool = false) throws(MongoError) {
        // libmongoc 1.23 has no non-deprecated index helper: send the createIndexes command.
        let command: BSONDocument = [
            "createIndexes": .string(self.name),
            "indexes": .array([.document(["key": .document(keys), "name": .string(name), "unique": .bool(unique)])]),
        ]
        let (ok, _, error) = withReply { reply, error in
            withHandle { collection in
                command.withBSON { mongoc_collection_write_command_with_opts(collection, $0, nil, reply, error) }
            }
        }
        guard ok else { throw MongoError(error) }
    }

    /// Drops the collection with its indexes; succeeds if it does not exist.
    public func drop() throws(MongoError) {
        let (ok, error) = withBSONError { error in
            withHandle { mongoc_collection_drop_with_opts($0, nil, error) }
        }
        // Servers before 7.0 answer NamespaceNotFound (26) for a missing collection.
        guard ok || (error.domain == MONGOC_ERROR_SERVER.rawValue && error.code == 26) else {
            throw MongoError(error)
        }
    }
}
