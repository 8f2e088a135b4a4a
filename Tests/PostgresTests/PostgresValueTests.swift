import Postgres
import Testing

@Suite("PostgreSQL values in binary format")
struct PostgresValueTests {
    /// 40 KB holding every byte value, as a JPEG would.
    static let allBytes: [UInt8] = (0..<40_960).map { UInt8($0 % 256) }

    @Test func everyTypeRoundTripsThroughATable() async throws {
        let columns = "i bigint, d float8, b bool, t text, y bytea, ts timestamp"
        try await TestDatabase.withTable("pg_values", columns: columns) { pool, table in
            let timestamp = PostgresTimestamp(microsecondsSinceEpoch: 1_696_779_589_123_000)
            let before2000 = PostgresTimestamp(microsecondsSinceEpoch: -86_400_000_001)
            let rows: [[PostgresValue]] = [
                [.int64(.min), .double(-0.5), .bool(true), .text("Früh­fäule 🍅 'quoted' $1"), .bytea(Self.allBytes), .timestamp(timestamp)],
                [.int64(.max), .double(.greatestFiniteMagnitude), .bool(false), .text(""), .bytea([]), .timestamp(before2000)],
                [.null, .null, .null, .null, .null, .null],
            ]
            let result = try await pool.withConnection { connection in
                for row in rows {
                    try connection.query("INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5, $6)", row)
                }
                return try connection.query("SELECT i, d, b, t, y, ts FROM \(table) ORDER BY i NULLS LAST")
            }
            #expect(result.columns == ["i", "d", "b", "t", "y", "ts"])
            #expect(result.rows.map(\.values) == rows)
            #expect(try result.rows[0].decode(4, as: [UInt8].self) == Self.allBytes)
            #expect(try result.rows[2].decode(0, as: Int64?.self) == nil)
        }
    }

    @Test func smallerServerTypesDecodeIntoTheWideCases() async throws {
        let row = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                try connection.query("""
                    SELECT 7::int2, 8::int4, 9::oid, 1.5::float4, 'n'::name, 'v'::varchar, 'c'::char(2),
                           '2000-01-01 00:00:00.000001+00'::timestamptz, pg_sleep(0)
                    """).rows[0]
            }
        }
        #expect(row.values == [.int64(7), .int64(8), .int64(9), .double(1.5), .text("n"), .text("v"), .text("c "),
                               .timestamp(PostgresTimestamp(microsecondsSinceEpoch: 946_684_800_000_001)), .null])
    }

    @Test func decodingTheWrongTypeNamesTheColumn() async throws {
        let row = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { try $0.query("SELECT 'text'::text, NULL::bigint").rows[0] }
        }
        #expect(throws: PostgresError(code: .decoding, message: "column 0 holds text, not Int64")) {
            try row.decode(0, as: Int64.self)
        }
        #expect(throws: PostgresError(code: .decoding, message: "column 1 holds NULL, not Int64")) {
            try row.decode(1, as: Int64.self)
        }
    }

    @Test func anUnknownColumnTypeIsADecodingErrorNotACrash() async throws {
        let error = try await TestDatabase.withPool(size: 1) { pool in
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("SELECT 1.5::numeric AS n") }
            }
        }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains("\"n\"") == true)
    }
}
