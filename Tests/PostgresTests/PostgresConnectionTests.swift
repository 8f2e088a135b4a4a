import Postgres
import Testing

@Suite("PostgreSQL statements, errors and transactions")
struct PostgresConnectionTests {
    private struct Abort: Error {}

    @Test func aUniqueViolationCarriesSQLStateAndMessage() async throws {
        try await TestDatabase.withTable("pg_unique", columns: "id bigint PRIMARY KEY") { pool, table in
            try await pool.withConnection { try $0.query("INSERT INTO \(table) VALUES ($1)", [.int64(1)]) }
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("INSERT INTO \(table) VALUES ($1)", [.int64(1)]) }
            }
            #expect(error?.code == .query)
            #expect(error?.sqlState == "23505")
            #expect(error?.message.contains("duplicate key") == true)
            #expect(error?.message.contains("Key (id)=(1) already exists") == true)
            #expect(error?.isConnectionFailure == false)
        }
    }

    @Test func aSyntaxErrorLeavesTheConnectionUsable() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let pid = try await pool.withConnection { $0.backendPID }
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("SELEC 1") }
            }
            #expect(error?.sqlState == "42601")
            #expect(try await pool.withConnection { try $0.query("SELECT 2").scalar(Int64.self) } == 2)
            #expect(try await pool.withConnection { $0.backendPID } == pid)
        }
    }

    @Test func aThrowingTransactionRollsBackAndACompleteOneCommits() async throws {
        try await TestDatabase.withTable("pg_tx", columns: "id bigint PRIMARY KEY") { pool, table in
            await #expect(throws: Abort.self) {
                try await pool.withTransaction { connection in
                    try connection.query("INSERT INTO \(table) VALUES (1)")
                    throw Abort()
                }
            }
            await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try connection.query("INSERT INTO \(table) VALUES (2)")
                    try connection.query("INSERT INTO \(table) VALUES (2)")
                }
            }
            try await pool.withTransaction { try $0.query("INSERT INTO \(table) VALUES (3)") }
            let ids = try await pool.withConnection { try $0.query("SELECT id FROM \(table)").rows.map { try $0.decode(0, as: Int64.self) } }
            #expect(ids == [3])
        }
    }

    @Test func aConnectionLeftInsideATransactionIsReplaced() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let pid = try await pool.withConnection { connection in
                try connection.query("BEGIN")
                return connection.backendPID
            }
            let newPID = try await pool.withConnection { $0.backendPID }
            #expect(newPID != pid)
        }
    }

    @Test func preparedStatementsAreReusedAndSurviveARollback() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let sql = "SELECT $1::bigint + 1"
            let (first, second, count) = try await pool.withConnection { connection in
                let first = try connection.query(sql, [.int64(1)], prepared: true).scalar(Int64.self)
                _ = try? connection.transaction { connection -> Void in
                    try connection.query(sql, [.int64(5)], prepared: true)
                    throw Abort()
                }
                let second = try connection.query(sql, [.int64(41)], prepared: true).scalar(Int64.self)
                let count = try connection.query("SELECT count(*) FROM pg_prepared_statements").scalar(Int64.self)
                return (first, second, count)
            }
            #expect(first == 2)
            #expect(second == 42)
            #expect(count == 1)
        }
    }

    @Test func aURLLibpqCannotParseIsAConfigurationError() throws {
        let error = #expect(throws: PostgresError.self) {
            try PostgresPool(url: "postgresql://app@127.0.0.1:5433/appdb?nonsense=1", logger: TestDatabase.logger)
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("nonsense") == true)
    }
}
