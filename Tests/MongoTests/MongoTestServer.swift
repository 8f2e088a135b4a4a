import Foundation
import Logging
import Mongo
import Testing

/// Where the MongoDB-compatible test server is, and a fresh database per test.
enum MongoTestServer {
    static let variable = "LEAFSYNC_TEST_MONGO_URL"
    static let developmentURL = "mongodb://127.0.0.1:27018/leafsync_dev_test"

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "\(variable) is not set: integration tests need the MongoDB-compatible server (CI or LEAFSYNC_REQUIRE_SERVERS is set, so no fallback to \(developmentURL))"
        }
    }

    /// The configured URL; the local development server when unset, unless CI or
    /// LEAFSYNC_REQUIRE_SERVERS demands a real configuration (then a failure, never a skip).
    static func url() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[variable], !url.isEmpty { return url }
        if environment["CI"] != nil || environment["LEAFSYNC_REQUIRE_SERVERS"] != nil { throw Missing() }
        return developmentURL
    }

    /// `url` with its database path replaced by `database`, options kept.
    static func url(database: String) throws -> String {
        let url = try url()
        let scheme = "mongodb://"
        precondition(url.hasPrefix(scheme), "\(variable) must start with \(scheme)")
        let rest = url.dropFirst(scheme.count)
        let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        let beforeQuery = rest.prefix { $0 != "?" }
        let hosts = beforeQuery.prefix { $0 != "/" }
        return scheme + hosts + "/" + database + query
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    static let logger = Logger(label: "test.mongo")

    /// Runs `body` with a pool on a new database, and drops the database afterwards.
    static func withDatabase<T>(poolSize: Int = 4, _ body: (MongoClientPool, String) async throws -> T) async throws -> T {
        let name = uniqueName("mongotests")
        let pool = try MongoClientPool(url: url(database: name), poolSize: poolSize, logger: logger)
        do {
            let result = try await body(pool, name)
            try await pool.withClient { try $0.dropDatabase(name) }
            await pool.close()
            return result
        } catch {
            _ = try? await pool.withClient { try $0.dropDatabase(name) }
            await pool.close()
            throw error
        }
    }
}

/// 50 KB in which every byte value occurs, in no simple order.
let allByteValues50KB: [UInt8] = (0..<51_200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
