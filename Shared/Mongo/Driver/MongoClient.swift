import CMongoC

/// One `mongoc_client_t` popped from a `MongoClientPool` for the duration of one
/// `withClient` body. The pool owns it and pushes it back afterwards; using it (or a
/// collection from it) after that is a programming error and traps.
///
/// Not `Sendable`: a libmongoc client must be used by one thread at a time, and the compiler
/// then keeps it, and its collections, from leaving the `@Sendable` body.
public final class MongoClient {
    /// Owned by the pool, which pushes it back; never destroyed here.
    let handle: OpaquePointer
    private var isCheckedOut = true

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    func invalidate() {
        isCheckedOut = false
    }

    func withHandle<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        precondition(isCheckedOut, "MongoClient used after its withClient body returned")
        return try body(handle)
    }

    /// Succeeds when the server answers `{ping: 1}`.
    public func ping() throws(MongoError) {
        _ = try runCommand(["ping": .int32(1)], database: "admin")
    }

    /// Runs a command and returns the server's reply.
    public func runCommand(_ command: BSONDocument, database: String) throws(MongoError) -> BSONDocument {
        let (ok, reply, error) = withReply { reply, error in
            withHandle { client in
                command.withBSON { mongoc_client_command_simple(client, database, $0, nil, reply, error) }
            }
        }
        guard ok else { throw MongoError(error) }
        return reply
    }

    /// The collection `name` of `database`, usable inside the current `withClient` body.
    public func collection(_ name: String, database: String) -> MongoCollection {
        MongoCollection(client: self, handle: withHandle { mongoc_client_get_collection($0, database, name) }, name: name, database: database)
    }

    /// Drops `name` with all its collections; succeeds if it does not exist.
    public func dropDatabase(_ name: String) throws(MongoError) {
        let (ok, error) = withBSONError { error in
            withHandle { client in
                // mongoc_client_get_database returns a handle we must destroy; it only names
                // the database (no I/O) and is not needed after the drop.
                let database = mongoc_client_get_database(client, name)
                defer { mongoc_database_destroy(database) }
                return mongoc_database_drop_with_opts(database, nil, error)
            }
        }
        guard ok else { throw MongoError(error) }
    }
}

@available(*, unavailable, message: "a MongoClient belongs to one withClient body")
extension MongoClient: Sendable {}
