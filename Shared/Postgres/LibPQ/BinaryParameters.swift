import CLibPQ

/// Statement parameters in PostgreSQL's binary wire format, laid out for `PQexecParams`:
/// every value back to back in one buffer, with its type OID and length.
struct BinaryParameters {
    /// The protocol counts parameters in an Int16.
    static let maxCount = 65_535

    private(set) var types: [Oid] = []
    private var bytes: [UInt8] = []
    /// Start of each value in `bytes`, nil for NULL.
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []

    var count: Int { types.count }

    /// - Throws: `PostgresError` `.decoding` for a timestamp PostgreSQL cannot hold, or too many
    ///   parameters.
    init(_ values: [PostgresValue]) throws(PostgresError) {
        guard values.count <= Self.maxCount else {
            throw PostgresError(code: .decoding, message: "\(values.count) parameters; PostgreSQL takes at most \(Self.maxCount)")
        }
        types.reserveCapacity(values.count)
        for value in values { try append(value) }
        // A zero-length value needs a non-NULL pointer (NULL means SQL NULL), so the buffer is
        // never empty.
        bytes.append(0)
    }

    private mutating func append(_ value: PostgresValue) throws(PostgresError) {
        let start = bytes.count
        switch value {
        case .null:
            types.append(TypeOID.unspecified)
            offsets.append(nil)
            lengths.append(0)
            return
        case .bool(let bool):
            types.append(TypeOID.bool)
            bytes.append(bool ? 1 : 0)
        case .int64(let int):
            types.append(TypeOID.int8)
            appendBigEndian(UInt64(bitPattern: int))
        case .double(let double):
            types.append(TypeOID.float8)
            appendBigEndian(double.bitPattern)
        case .text(let text):
            types.append(TypeOID.text)
            bytes.append(contentsOf: text.utf8)
        case .bytea(let data):
            types.append(TypeOID.bytea)
            bytes.append(contentsOf: data)
        case .timestamp(let timestamp):
            guard let micros = timestamp.postgresMicroseconds else {
                throw PostgresError(code: .decoding, message: "timestamp \(timestamp.microsecondsSinceEpoch) µs is out of range")
            }
            types.append(TypeOID.timestamp)
            appendBigEndian(UInt64(bitPattern: micros))
        }
        offsets.append(start)
        lengths.append(Int32(bytes.count - start))
    }

    private mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with the arrays `PQexecParams`/`PQexecPrepared` take: types, values,
    /// lengths and formats (all binary). The pointers are valid only during the call.
    func withUnsafePointers<R>(
        _ body: (UnsafePointer<Oid>, UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int32>, UnsafePointer<Int32>) -> R
    ) -> R {
        // One spare element keeps every array non-empty, so no baseAddress is nil; libpq reads
        // only the first `count`.
        let formats = [Int32](repeating: 1, count: count + 1)
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            } + [nil]
            let types = self.types + [0]
            let lengths = self.lengths + [0]
            return types.withUnsafeBufferPointer { types in
                values.withUnsafeBufferPointer { values in
                    lengths.withUnsafeBufferPointer { lengths in
                        formats.withUnsafeBufferPointer { formats in
                            body(types.baseAddress!, values.baseAddress!, lengths.baseAddress!, formats.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
