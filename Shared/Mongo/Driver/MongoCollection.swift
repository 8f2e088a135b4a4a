import CMongoC

/// A collection of one database, reached through the client of the current `withClient` body.
/// Owns its `mongoc_collection_t`; see `MongoCollection+Writes.swift` for writes.
public final class MongoCollection {
    /// Kept to check on every use that the client is still checked out of the pool.
    let client: MongoClient
    private let handle: OpaquePointer
    public let name: String
    public let database: String

    init(client: MongoClient, handle: OpaquePointer, name: String, database: String) {
        self.client = client
        self.handle = handle
        self.name = name
        self.database = database
    }

    deinit {
        // Frees only the collection's own options; it never touches the client, so this is
        // safe even if the collection outlives the withClient body. Cursors are always
        // destroyed before this (they live within one method call).
        mongoc_collection_destroy(handle)
    }

    func withHandle<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try client.withHandle { _ throws(E) in try body(handle) }
    }

    /// The documents matching `filter`, in the order and page `options` ask for; the read
    /// stops after a document for which `continuing` returns false.
    public func find(_ filter: BSONDocument = BSONDocument(), options: MongoFindOptions = MongoFindOptions(),
                     continuing: (BSONDocument) -> Bool = { _ in true }) throws(MongoError) -> [BSONDocument] {
        let opts = options.document
        let (documents, error): ([BSONDocument], bson_error_t?) = withHandle { collection in
            filter.withBSON { filter in
                opts.withBSON { opts in
                    // Never NULL: errors surface through mongoc_cursor_error. The cursor must be
                    // destroyed before its collection, so it never leaves this closure.
                    let cursor = mongoc_collection_find_with_opts(collection, filter, opts, nil)
                    defer { mongoc_cursor_destroy(cursor) }
                    var documents: [BSONDocument] = []
                    var current: OpaquePointer?
                    // `current` belongs to the cursor and is overwritten by the next call: copy it.
                    while mongoc_cursor_next(cursor, &current), let current {
                        documents.append(BSONDocument(copying: current))
                        if !continuing(documents[documents.count - 1]) { break }
                    }
                    let (failed, error) = withBSONError { mongoc_cursor_error(cursor, $0) }
                    return (documents, failed ? error : nil)
                }
            }
        }
        if let error { throw MongoError(error) }
        return documents
    }

    /// The first document matching `filter` in `sort` order, or nil.
    public func findOne(_ filter: BSONDocument = BSONDocument(), sort: BSONDocument? = nil,
                        projection: BSONDocument? = nil) throws(MongoError) -> BSONDocument? {
        try find(filter, options: MongoFindOptions(sort: sort, limit: 1, projection: projection)).first
    }

    /// How many documents match `filter` (an exact count, not the collection's metadata).
    public func countDocuments(_ filter: BSONDocument = BSONDocument()) throws(MongoError) -> Int64 {
        let (count, error) = withBSONError { error in
            withHandle { collection in
                filter.withBSON { mongoc_collection_count_documents(collection, $0, nil, nil, nil, error) }
            }
        }
        guard count >= 0 else { throw MongoError(error) }
        return count
    }
}

@available(*, unavailable, message: "a MongoCollection belongs to one withClient body")
extension MongoCollection: Sendable {}
