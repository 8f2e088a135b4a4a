import Foundation
import Logging
import Postgres

/// The server the tests run against, and unique names for the tables they create.
enum TestDatabase {
    struct MissingServer: Error, CustomStringConvertible {
        let description = "LEAFSYNC_TEST_POSTGRES_URL is not set, and CI or LEAFSYNC_REQUIRE_SERVERS requires the "
            + "PostgreSQL tests to run: set it to the test server's URL, e.g. postgres://app@127.0.0.1:5433/appdb"
    }

    /// `LEAFSYNC_TEST_POSTGRES_URL`; in CI (or with `LEAFSYNC_REQUIRE_SERVERS`) its absence is a
    /// failure, never a skip; on a developer machine it falls back to the dev server.
    static func url() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["LEAFSYNC_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        if environment["CI"] != nil || environment["LEAFSYNC_REQUIRE_SERVERS"] != nil { throw MissingServer() }
        return "postgres://app@127.0.0.1:5433/appdb"
    }

    static let logger = Logger(label: "leafsync.tests.postgres")

    static func makePool(size: Int = 4) throws -> PostgresPool {
        try PostgresPool(url: url(), size: size, logger: logger)
    }

    /// A table name no other test (or test run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// Runs `body` with a new pool, closing it afterwards whatever happens.
    static func withPool<T>(size: Int = 4, _ body: (PostgresPool) async throws -> T) async throws -> T {
        let pool = try makePool(size: size)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Runs `body` with a pool and a new table made of `columns`, dropping the table afterwards
    /// whatever happens.
    static func withTable(_ prefix: String, columns: String, poolSize: Int = 4,
                          _ body: (PostgresPool, String) async throws -> Void) async throws {
        try await withPool(size: poolSize) { pool in
            let table = uniqueName(prefix)
            try await pool.withConnection { try $0.query("CREATE TABLE \(table) (\(columns))") }
            do {
                try await body(pool, table)
            } catch {
                _ = try? await pool.withConnection { try $0.query("DROP TABLE IF EXISTS \(table)") }
                throw error
            }
            try await pool.withConnection { try $0.query("DROP TABLE IF EXISTS \(table)") }
        }
    }
}
