import CLibPQ

extension PostgresResult {
    /// Copies every cell out of a binary-format `result`. The caller still owns `result` and
    /// must `PQclear` it; nothing here keeps a pointer into it.
    /// - Throws: `PostgresError` `.decoding` for a column type the codec does not know.
    init(decoding result: OpaquePointer) throws(PostgresError) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int32(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [PostgresValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(.null)
                    continue
                }
                let cell = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column),
                                                  count: Int(PQgetlength(result, row, column)))
                values.append(try Self.decode(cell, type: types[Int(column)], column: columns[Int(column)]))
            }
            rows.append(PostgresRow(values: values))
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) } ?? nil
        self.init(columns: columns, rows: rows, affectedRows: affected ?? rowCount)
    }

    /// One non-NULL cell in binary format: big-endian integers and floats, raw bytes for the
    /// text types and bytea, microseconds since 2000-01-01 for timestamps.
    private static func decode(_ cell: UnsafeRawBufferPointer, type: Oid, column: String) throws(PostgresError) -> PostgresValue {
        func mismatch() -> PostgresError {
            PostgresError(code: .decoding, message: "column \"\(column)\" (type OID \(type)) has an unexpected length \(cell.count)")
        }
        switch type {
        case TypeOID.bool:
            guard cell.count == 1 else { throw mismatch() }
            return .bool(cell[0] != 0)
        case TypeOID.int8:
            guard cell.count == 8 else { throw mismatch() }
            return .int64(Int64(bitPattern: UInt64(bigEndian: cell.loadUnaligned(as: UInt64.self))))
        case TypeOID.int4:
            guard cell.count == 4 else { throw mismatch() }
            return .int64(Int64(Int32(bitPattern: UInt32(bigEndian: cell.loadUnaligned(as: UInt32.self)))))
        case TypeOID.int2:
            guard cell.count == 2 else { throw mismatch() }
            return .int64(Int64(Int16(bitPattern: UInt16(bigEndian: cell.loadUnaligned(as: UInt16.self)))))
        case TypeOID.oid:
            guard cell.count == 4 else { throw mismatch() }
            return .int64(Int64(UInt32(bigEndian: cell.loadUnaligned(as: UInt32.self))))
        case TypeOID.float8:
            guard cell.count == 8 else { throw mismatch() }
            return .double(Double(bitPattern: UInt64(bigEndian: cell.loadUnaligned(as: UInt64.self))))
        case TypeOID.float4:
            guard cell.count == 4 else { throw mismatch() }
            return .double(Double(Float(bitPattern: UInt32(bigEndian: cell.loadUnaligned(as: UInt32.self)))))
        case TypeOID.text, TypeOID.varchar, TypeOID.bpchar, TypeOID.name, TypeOID.char, TypeOID.unknown:
            return .text(String(decoding: cell, as: UTF8.self))
        case TypeOID.bytea:
            return .bytea([UInt8](cell))
        case TypeOID.timestamp, TypeOID.timestamptz:
            guard cell.count == 8 else { throw mismatch() }
            let micros = Int64(bitPattern: UInt64(bigEndian: cell.loadUnaligned(as: UInt64.self)))
            guard let timestamp = PostgresTimestamp(postgresMicroseconds: micros) else {
                throw PostgresError(code: .decoding, message: "column \"\(column)\" holds an infinite or out-of-range timestamp")
            }
            return .timestamp(timestamp)
        case TypeOID.void:
            return .null
        default:
            throw PostgresError(code: .decoding, message: "column \"\(column)\" has type OID \(type), which the binary codec does not decode; cast it in SQL")
        }
    }
}
