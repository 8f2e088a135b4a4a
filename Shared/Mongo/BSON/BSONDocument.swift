import CMongoC

/// An immutable BSON document: owns one heap `bson_t`, destroyed in `deinit`.
///
/// Build one from ordered key/value pairs (`["id": .int64(1)]`) or with a builder closure;
/// read it with the typed readers of `BSONDocument+Reading.swift`.
public final class BSONDocument: @unchecked Sendable, Equatable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    // @unchecked Sendable: the bson_t is written only while an initializer runs and never
    // mutated afterwards; libbson only reads a const bson_t, which is safe from any thread.
    private let bson: OpaquePointer

    /// Takes ownership of a heap `bson_t` from `bson_new`, `bson_copy` or `bson_new_from_data`.
    private init(owning bson: OpaquePointer) {
        self.bson = bson
    }

    deinit {
        // Frees the data buffer and, because it came from bson_new/bson_copy, the struct itself.
        bson_destroy(bson)
    }

    /// An empty document.
    public convenience init() {
        self.init(owning: bson_new())
    }

    /// A document built by `build`, which appends fields in order.
    public convenience init(_ build: (inout BSONBuilder) throws -> Void) rethrows {
        self.init(owning: bson_new())
        var builder = BSONBuilder(appendingTo: bson)
        try build(&builder)
    }

    /// A document with `elements` in the given order.
    public convenience init(_ elements: [(String, BSONValue)]) {
        self.init { builder in
            for (key, value) in elements { builder.append(key, value) }
        }
    }

    public convenience init(dictionaryLiteral elements: (String, BSONValue)...) {
        self.init(elements)
    }

    /// A BSON array: a document whose keys are "0", "1", ….
    convenience init(arrayOf values: [BSONValue]) {
        self.init { builder in
            for (index, value) in values.enumerated() { builder.append(String(index), value) }
        }
    }

    /// The document's size in bytes, as stored and sent.
    public var byteCount: Int { Int(leafsync_bson_length(bson)) }

    /// A copy of a document libmongoc owns (a cursor's current document, a reply).
    init(copying other: OpaquePointer) {
        self.bson = bson_copy(other)
    }

    /// A copy of the raw bytes of an embedded document; nil if they are not a BSON document.
    init?(bytes: UnsafePointer<UInt8>, count: Int) {
        // bson_new_from_data copies the bytes into a new heap bson_t.
        guard let bson = bson_new_from_data(bytes, count) else { return nil }
        self.bson = bson
    }

    /// Gives `body` the document to read; the pointer must not escape.
    func withBSON<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(bson)
    }

    /// Gives `body` the documents of `documents`, alive for the duration of the call.
    static func withBSONs<R>(_ documents: [BSONDocument], _ body: ([OpaquePointer?]) -> R) -> R {
        withExtendedLifetime(documents) { body(documents.map(\.bson)) }
    }

    /// Relaxed extended JSON, for logs and test messages.
    public var description: String {
        var length = 0
        guard let json = bson_as_relaxed_extended_json(bson, &length) else { return "<invalid BSON>" }
        // The string is allocated by libbson and must be released with bson_free.
        defer { bson_free(json) }
        return String(cString: json)
    }

    /// Byte-for-byte equality of the encoded documents (so field order matters).
    public static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool {
        bson_equal(lhs.bson, rhs.bson)
    }
}
