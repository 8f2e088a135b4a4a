import CMongoC
import Synchronization

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

/// Operations encoded into one libmongoc bulk write, ready to run on any collection: a
/// caller encodes the next bulk while the one before is on the wire, and the server gets it
/// the moment it replies. Given a lazy sequence, each operation's documents can be made as the
/// bulk takes them and let go once copied, so they are held once, not twice. Runs once
/// (`MongoCollection.execute`).
public final class MongoBulkWrite: Sendable {
    private static let upsertOptions: BSONDocument = ["upsert": .bool(true)]
    private static let updateOptions: BSONDocument = ["upsert": .bool(false)]

    /// nil once executed, or when there was nothing to write (libmongoc rejects an empty bulk).
    private let bulk: Mutex<Handle?>
    /// How many operations it holds.
    public let count: Int

    /// - Throws: `MongoError` when libmongoc refuses an operation before anything is sent (an
    ///   update that is not an operator document, for one).
    public init(_ operations: some Sequence<MongoWriteOperation>, ordered: Bool = true) throws(MongoError) {
        // The database, collection and client are set when it runs.
        let handle = Handle(mongoc_bulk_operation_new(ordered))
        var count = 0
        var error = bson_error_t()
        for operation in operations {
            count += 1
            // The bulk copies the filter and update into its command buffer, so the documents
            // need not outlive this call.
            let appended = switch operation {
            case .insert(let document):
                document.withBSON { mongoc_bulk_operation_insert_with_opts(handle.pointer, $0, nil, &error) }
            case .update(let operation):
                operation.filter.withBSON { filter in
                    operation.update.withBSON { update in
                        (operation.upsert ? Self.upsertOptions : Self.updateOptions).withBSON {
                            mongoc_bulk_operation_update_one_with_opts(handle.pointer, filter, update, $0, &error)
                        }
                    }
                }
            }
            guard appended else { throw MongoError(error) }
        }
        self.count = count
        bulk = Mutex(count > 0 ? handle : nil)
    }

    /// Runs the operations as `collection`'s, with its write concern; the bulk is spent.
    fileprivate func execute(on collection: OpaquePointer, client: OpaquePointer, database: String,
                             reply: OpaquePointer, error: UnsafeMutablePointer<bson_error_t>) -> Bool? {
        guard let handle = bulk.withLock({ $0.take() }) else {
            precondition(count == 0, "a MongoBulkWrite runs once")
            return nil
        }
        mongoc_bulk_operation_set_client(handle.pointer, UnsafeMutableRawPointer(client))
        mongoc_bulk_operation_set_database(handle.pointer, database)
        mongoc_bulk_operation_set_collection(handle.pointer, mongoc_collection_get_name(collection))
        mongoc_bulk_operation_set_write_concern(handle.pointer, mongoc_collection_get_write_concern(collection))
        // Returns the id of the server used, 0 on failure; fills `reply` either way.
        return mongoc_bulk_operation_execute(handle.pointer, reply, error) != 0
    }

    /// The libmongoc bulk, destroyed with the last reference: right after it ran, or unrun.
    private final class Handle: @unchecked Sendable {
        // @unchecked Sendable: built on one thread, then handed to the one that runs it; a
        // libmongoc bulk has no thread of its own and is never used by two at once.
        let pointer: OpaquePointer

        init(_ pointer: OpaquePointer) { self.pointer = pointer }

        deinit { mongoc_bulk_operation_destroy(pointer) }
    }
}

extension MongoCollection {
    /// Runs `operations` as one bulk write (libmongoc splits it into as few commands as the
    /// server's limits allow) and returns the counts and the rejected operations.
    ///
    /// Operations the server rejects, a duplicate key say, are returned in `writeErrors`, not
    /// thrown: with `ordered: false` the others still run, and the caller decides what a
    /// rejection means (for a guarded upsert, a duplicate key means "already newer").
    /// - Throws: `MongoError` when the bulk as a whole failed: connection lost, invalid
    ///   operation, a write concern error, a command the server refused.
    public func bulkWrite(_ operations: [MongoUpdateOperation], ordered: Bool = true) throws(MongoError) -> MongoBulkWriteResult {
        try execute(MongoBulkWrite(operations.map(MongoWriteOperation.update), ordered: ordered))
    }

    /// `bulkWrite` of inserts and updates mixed; libmongoc sends each run of one kind as its own
    /// command, and the rejected operations keep their positions in `operations`.
    public func bulkWrite(_ operations: [MongoWriteOperation], ordered: Bool = true) throws(MongoError) -> MongoBulkWriteResult {
        try execute(MongoBulkWrite(operations, ordered: ordered))
    }

    /// Runs a bulk encoded beforehand, as `bulkWrite` does; it cannot run again.
    public func execute(_ bulk: MongoBulkWrite) throws(MongoError) -> MongoBulkWriteResult {
        let database = self.database
        let (executed, reply, error) = withReply { reply, error -> Bool? in
            withHandle { collection in
                client.withHandle { client in
                    bulk.execute(on: collection, client: client, database: database, reply: reply, error: error)
                }
            }
        }
        switch executed {
        case nil:
            return .empty
        case false?:
            // Rejected operations are the caller's to judge; anything else failed the bulk.
            let failure = MongoError(error, reply: reply)
            let writeConcernErrors = (try? reply.array("writeConcernErrors")) ?? []
            guard !failure.writeErrors.isEmpty, writeConcernErrors.isEmpty, !failure.isConnectionFailure else {
                throw failure
            }
            return try Self.bulkResult(reply, writeErrors: failure.writeErrors)
        case true?:
            return try Self.bulkResult(reply, writeErrors: [])
        }
    }

    /// Reads the counts of libmongoc's bulk reply (`nInserted`, `nMatched`, `nModified`, `nUpserted`).
    private static func bulkResult(_ reply: BSONDocument, writeErrors: [MongoWriteError]) throws(MongoError) -> MongoBulkWriteResult {
        MongoBulkWriteResult(insertedCount: try reply.int64("nInserted"), matchedCount: try reply.int64("nMatched"),
                             modifiedCount: try reply.int64("nModified"), upsertedCount: try reply.int64("nUpserted"),
                             writeErrors: writeErrors)
    }
}
