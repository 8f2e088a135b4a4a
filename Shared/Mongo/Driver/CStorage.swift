import CMongoC

// libbson declares `bson_t` and `bson_iter_t` with `BSON_ALIGNED_BEGIN (128)`. Swift cannot
// represent that alignment: it imports pointers to them as `OpaquePointer` and would lay out a
// local of the type with a smaller alignment than C code compiled for 128 may assume. So such
// structs live in zeroed heap storage with C's size and alignment, freed on every path.

/// Runs `body` with storage for a `bson_iter_t`.
func withIteratorStorage<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
    try withAlignedStorage(byteCount: MemoryLayout<bson_iter_t>.size) { try body(OpaquePointer($0)) }
}

/// Runs a libmongoc call that may fill an error, and returns its result with the error.
func withBSONError<R>(_ body: (UnsafeMutablePointer<bson_error_t>) -> R) -> (result: R, error: bson_error_t) {
    withAlignedStorage(byteCount: MemoryLayout<bson_error_t>.size) { raw in
        let error = raw.bindMemory(to: bson_error_t.self, capacity: 1)
        return (body(error), error.pointee)
    }
}

/// Runs a libmongoc call that fills a reply document and an error, and returns the call's
/// result with a copy of the reply.
///
/// Write and command functions (`mongoc_collection_insert_many`, `mongoc_client_command_simple`...)
/// initialize `reply` on every path and leave it to the caller to `bson_destroy` even on
/// failure; it is initialized here first as well so that destroying it is always valid.
func withReply<R>(_ body: (OpaquePointer, UnsafeMutablePointer<bson_error_t>) -> R)
    -> (result: R, reply: BSONDocument, error: bson_error_t) {
    withAlignedStorage(byteCount: MemoryLayout<bson_t>.size) { raw in
        let reply = OpaquePointer(raw)
        bson_init(reply)
        // bson_init on caller storage allocates nothing until the document grows; bson_destroy
        // frees only the growth buffer, never the storage itself (freed by withAlignedStorage).
        defer { bson_destroy(reply) }
        let (result, error) = withBSONError { body(reply, $0) }
        return (result, BSONDocument(copying: reply), error)
    }
}

private func withAlignedStorage<R>(byteCount: Int, _ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 128)
    defer { raw.deallocate() }
    raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    return try body(raw)
}
