import CMongoC

/// Appends fields to a document under construction; only `BSONDocument`'s initializers hand
/// one out. Noncopyable, so it cannot outlive the initializer and mutate a finished document.
public struct BSONBuilder: ~Copyable {
    // Owned by the BSONDocument being built, which destroys it.
    private let bson: OpaquePointer

    init(appendingTo bson: OpaquePointer) {
        self.bson = bson
    }

    /// Appends `value` under `key`. Keys are C strings: they must not contain NUL.
    public mutating func append(_ key: String, _ value: BSONValue) {
        precondition(!key.utf8.contains(0), "BSON keys cannot contain NUL")
        let bson = self.bson
        let appended = key.withCString { key -> Bool in
            switch value {
            case .double(let double):
                return bson_append_double(bson, key, -1, double)
            case .string(let string):
                // An explicit length keeps embedded NULs; withCString never passes NULL, which
                // bson_append_utf8 would turn into a BSON null.
                return string.withCString { bson_append_utf8(bson, key, -1, $0, Int32(string.utf8.count)) }
            case .document(let document):
                // bson_append_document copies the child's bytes; the child keeps its bson_t.
                return document.withBSON { bson_append_document(bson, key, -1, $0) }
            case .array(let values):
                return BSONDocument(arrayOf: values).withBSON { bson_append_array(bson, key, -1, $0) }
            case .binary(let bytes):
                guard !bytes.isEmpty else {
                    // An empty Array may have no storage; bson_append_binary wants a pointer anyway.
                    var none: UInt8 = 0
                    return bson_append_binary(bson, key, -1, BSON_SUBTYPE_BINARY, &none, 0)
                }
                return bytes.withUnsafeBufferPointer {
                    bson_append_binary(bson, key, -1, BSON_SUBTYPE_BINARY, $0.baseAddress, UInt32($0.count))
                }
            case .bool(let bool):
                return bson_append_bool(bson, key, -1, bool)
            case .dateTime(let milliseconds):
                return bson_append_date_time(bson, key, -1, milliseconds)
            case .null:
                return bson_append_null(bson, key, -1)
            case .int32(let int):
                return bson_append_int32(bson, key, -1, int)
            case .int64(let int):
                return bson_append_int64(bson, key, -1, int)
            }
        }
        // libbson refuses only when the document would pass 2 GiB (INT32_MAX bytes), far beyond
        // the 16 MiB a server accepts; nothing sensible can continue after that.
        precondition(appended, "BSON document too large while appending \(key)")
    }

    /// Appends a document under `key`, built by `build`.
    public mutating func appendDocument(_ key: String, _ build: (inout BSONBuilder) throws -> Void) rethrows {
        append(key, .document(try BSONDocument(build)))
    }
}
