import CMongoC

extension BSONDocument {
    /// The value under `key`: nil when the key is absent or holds a type this wrapper does
    /// not model (ObjectId, decimal128, regex…).
    public subscript(key: String) -> BSONValue? {
        withBSON { bson in
            withIteratorStorage { iter in
                guard bson_iter_init_find(iter, bson, key) else { return nil }
                return Self.value(at: iter)
            }
        }
    }

    /// The fields in order, without those of types this wrapper does not model.
    public var elements: [(key: String, value: BSONValue)] {
        withBSON { bson in
            withIteratorStorage { iter in
                guard bson_iter_init(iter, bson) else { return [] }
                var elements: [(key: String, value: BSONValue)] = []
                while bson_iter_next(iter) {
                    guard let value = Self.value(at: iter) else { continue }
                    elements.append((String(cString: bson_iter_key(iter)), value))
                }
                return elements
            }
        }
    }

    /// True when `key` is absent or holds BSON null.
    public func isNullOrAbsent(_ key: String) -> Bool {
        switch self[key] {
        case nil, .null?: true
        default: false
        }
    }

    /// Reads the iterator's current value. Everything returned is copied out of the iterated
    /// document, whose bytes the iterator only borrows.
    private static func value(at iter: OpaquePointer) -> BSONValue? {
        switch bson_iter_type(iter) {
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iter))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let chars = bson_iter_utf8(iter, &length) else { return nil }
            return .string(chars.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            })
        case BSON_TYPE_DOCUMENT:
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_document(iter, &length, &bytes)
            return bytes.flatMap { BSONDocument(bytes: $0, count: Int(length)) }.map { .document($0) }
        case BSON_TYPE_ARRAY:
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_array(iter, &length, &bytes)
            return bytes.flatMap { BSONDocument(bytes: $0, count: Int(length)) }.map { .array($0.elements.map(\.value)) }
        case BSON_TYPE_BINARY:
            var subtype = BSON_SUBTYPE_BINARY
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_binary(iter, &subtype, &length, &bytes)
            return .binary(bytes.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? [])
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iter))
        case BSON_TYPE_DATE_TIME:
            return .dateTime(bson_iter_date_time(iter))
        case BSON_TYPE_NULL:
            return .null
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iter))
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iter))
        default:
            return nil
        }
    }
}

// Typed readers: each throws `.unexpectedDocument` naming the key when it is absent or holds
// another type. Integer readers widen int32 (what Python drivers write for small ints).
extension BSONDocument {
    public func int64(_ key: String) throws(MongoError) -> Int64 {
        switch try required(key) {
        case .int64(let int): return int
        case .int32(let int): return Int64(int)
        case let other: throw mismatch(key, expected: "int64", other)
        }
    }

    public func int32(_ key: String) throws(MongoError) -> Int32 {
        guard case .int32(let int) = try required(key) else { throw mismatch(key, expected: "int32", self[key]) }
        return int
    }

    /// A double; int32 and int64 values are converted.
    public func double(_ key: String) throws(MongoError) -> Double {
        switch try required(key) {
        case .double(let double): return double
        case .int32(let int): return Double(int)
        case .int64(let int): return Double(int)
        case let other: throw mismatch(key, expected: "double", other)
        }
    }

    public func bool(_ key: String) throws(MongoError) -> Bool {
        guard case .bool(let bool) = try required(key) else { throw mismatch(key, expected: "bool", self[key]) }
        return bool
    }

    public func string(_ key: String) throws(MongoError) -> String {
        guard case .string(let string) = try required(key) else { throw mismatch(key, expected: "string", self[key]) }
        return string
    }

    public func binary(_ key: String) throws(MongoError) -> [UInt8] {
        guard case .binary(let bytes) = try required(key) else { throw mismatch(key, expected: "binary", self[key]) }
        return bytes
    }

    /// Milliseconds since the Unix epoch.
    public func dateTime(_ key: String) throws(MongoError) -> Int64 {
        guard case .dateTime(let ms) = try required(key) else { throw mismatch(key, expected: "datetime", self[key]) }
        return ms
    }

    public func document(_ key: String) throws(MongoError) -> BSONDocument {
        guard case .document(let document) = try required(key) else { throw mismatch(key, expected: "document", self[key]) }
        return document
    }

    public func array(_ key: String) throws(MongoError) -> [BSONValue] {
        guard case .array(let values) = try required(key) else { throw mismatch(key, expected: "array", self[key]) }
        return values
    }

    private func required(_ key: String) throws(MongoError) -> BSONValue {
        guard let value = self[key] else { throw MongoError.unexpected("field \"\(key)\" is missing") }
        return value
    }

    private func mismatch(_ key: String, expected: String, _ found: BSONValue?) -> MongoError {
        MongoError.unexpected("field \"\(key)\" should be \(expected), found \(found?.typeName ?? "an unsupported type")")
    }
}
