/// What `MongoCollection.bulkWrite` did: the counts over every operation the server ran, and
/// the operations it rejected.
public struct MongoBulkWriteResult: Sendable, Hashable {
    /// Documents inserted by insert operations.
    public let insertedCount: Int64
    /// Documents that matched an operation's filter.
    public let matchedCount: Int64
    /// Matched documents actually changed (not those updated to the values they had).
    public let modifiedCount: Int64
    /// Documents inserted by upserts that matched nothing.
    public let upsertedCount: Int64
    /// The rejected operations, by position in the batch. An ordered bulk stops at the first;
    /// an unordered one runs the others and lists every rejection.
    public let writeErrors: [MongoWriteError]

    public init(insertedCount: Int64 = 0, matchedCount: Int64, modifiedCount: Int64, upsertedCount: Int64, writeErrors: [MongoWriteError] = []) {
        self.insertedCount = insertedCount
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.upsertedCount = upsertedCount
        self.writeErrors = writeErrors
    }

    /// The result of an empty batch, which never reaches the server.
    public static let empty = MongoBulkWriteResult(matchedCount: 0, modifiedCount: 0, upsertedCount: 0)
}

extension MongoWriteError {
    /// True when a unique index rejected the operation (an upsert that would insert a second
    /// document with the same key, say).
    public var isDuplicateKey: Bool { code == MongoError.duplicateKeyCode }
}
