import CMongoC

/// One update-one operation of a bulk write: `update` (e.g. `{$set: {...}}`) applied to the
/// first document matching `filter`; with `upsert`, a document is inserted when none matches.
public struct MongoUpdateOperation: Sendable {
    public var filter: BSONDocument
    public var update: BSONDocument
    public var upsert: Bool

    public init(filter: BSONDocument, update: BSONDocument, upsert: Bool = false) {
        self.filter = filter
        self.update = update
        self.upsert = upsert
    }
}

/// One operation of a bulk write: an insert, or an update-one.
public enum MongoWriteOperation: Sendable {
    case insert(BSONDocument)
    case update(MongoUpdateOperation)
}

extension MongoCollection {
    private static let upsertOptions: BSONDocument = ["upsert": .bool(true)]
    private static let updateOptions: BSONDocument = ["upsert": .bool(false)]

    /// Runs `operations` as one bulk write (libmongoc splits it into as few commands as the
    /// server's limits allow) and returns the counts and the rejected operations.
    ///
    /// Operations the server rejects, a duplicate key say, are returned in `writeErrors`, not
    /// thrown: with `ordered: false` the others still run, and the caller decides what a
    /// rejection means (for a guarded upsert, a duplicate key means "already newer").
    /// - Throws: `MongoError` when the bulk as a whole failed: connection lost, invalid
    ///   operation, a write concern error, a command the server refused.
    public func bulkWrite(_ operations: [MongoUpdateOperation], ordered: Bool = true) throws(MongoError) -> MongoBulkWriteResult {
        try bulkWrite(operations.map(MongoWriteOperation.update), ordered: ordered)
    }

    /// `bulkWrite` of inserts and updates mixed; libmongoc sends each run of one kind as its own
    /// command, and the rejected operations keep their positions in `operations`.
    public func bulkWrite(_ operations: [MongoWriteOperation], ordered: Bool = true) throws(MongoError) -> MongoBulkWriteResult {
        guard !operations.isEmpty else { return .empty } // libmongoc rejects an empty bulk
        let opts: BSONDocument = ["ordered": .bool(ordered)]
        let (result, reply, error) = withReply { reply, error -> BulkOutcome in
            withHandle { collection in
                // Never NULL: invalid options surface from mongoc_bulk_operation_execute. The
                // bulk refers to the collection's client, so it is destroyed in this closure.
                let bulk = opts.withBSON { mongoc_collection_create_bulk_operation_with_opts(collection, $0) }
                defer { mongoc_bulk_operation_destroy(bulk) }
                for operation in operations {
                    // The bulk copies the filter and update into its command buffer, so the
                    // documents need not outlive this call.
                    let appended = switch operation {
                    case .insert(let document):
                        document.withBSON { mongoc_bulk_operation_insert_with_opts(bulk, $0, nil, error) }
                    case .update(let operation):
                        operation.filter.withBSON { filter in
                            operation.update.withBSON { update in
                                (operation.upsert ? Self.upsertOptions : Self.updateOptions).withBSON {
                                    mongoc_bulk_operation_update_one_with_opts(bulk, filter, update, $0, error)
                                }
                            }
                        }
                    }
                    // An update that is not an operator document, for one; nothing was sent.
                    guard appended else { return .rejectedLocally }
                }
                // Returns the id of the server used, 0 on failure; fills `reply` either way.
                return mongoc_bulk_operation_execute(bulk, reply, error) == 0 ? .failed : .executed
            }
        }
        switch result {
        case .rejectedLocally:
            throw MongoError(error)
        case .failed:
            // Rejected operations are the caller's to judge; anything else failed the bulk.
            let failure = MongoError(error, reply: reply)
            let writeConcernErrors = (try? reply.array("writeConcernErrors")) ?? []
            guard !failure.writeErrors.isEmpty, writeConcernErrors.isEmpty, !failure.isConnectionFailure else {
                throw failure
            }
            return try Self.bulkResult(reply, writeErrors: failure.writeErrors)
        case .executed:
            return try Self.bulkResult(reply, writeErrors: [])
        }
    }

    private enum BulkOutcome {
        case rejectedLocally, failed, executed
    }

    /// Reads the counts of libmongoc's bulk reply (`nInserted`, `nMatched`, `nModified`, `nUpserted`).
    private static func bulkResult(_ reply: BSONDocument, writeErrors: [MongoWriteError]) throws(MongoError) -> MongoBulkWriteResult {
        MongoBulkWriteResult(insertedCount: try reply.int64("nInserted"), matchedCount: try reply.int64("nMatched"),
                             modifiedCount: try reply.int64("nModified"), upsertedCount: try reply.int64("nUpserted"),
                             writeErrors: writeErrors)
    }
}
