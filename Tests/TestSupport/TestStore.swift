import Foundation
import ImageModel
import ImageStores
import Logging
import Mongo
import Postgres


/// The real servers the store tests run against, each test in a namespace of its own: a
/// PostgreSQL schema (through the URL's `search_path`) or a MongoDB database, dropped afterwards.
public enum TestStore: String, CaseIterable, Sendable {
    case postgres, mongo

    public static let logger = Logger(label: "leafsync.tests.stores")

    /// The server URL from `LEAFSYNC_TEST_POSTGRES_URL` / `LEAFSYNC_TEST_MONGO_URL`. In CI (or with
    /// `LEAFSYNC_REQUIRE_SERVERS`) a missing variable fails the test, never skips it; on a
    /// developer machine it falls back to the dev servers.
    public func serverURL() throws -> String {
        let (variable, fallback) = switch self {
        case .postgres: ("LEAFSYNC_TEST_POSTGRES_URL", "postgres://app@127.0.0.1:5433/appdb")
        case .mongo: ("LEAFSYNC_TEST_MONGO_URL", "mongodb://127.0.0.1:27018/leafsync_dev_test")
        }
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[variable], !url.isEmpty { return url }
        if environment["CI"] != nil || environment["LEAFSYNC_REQUIRE_SERVERS"] != nil {
            throw ImageError(code: .storeUnavailable, message: "\(variable) is not set: the \(rawValue) store tests need the real server")
        }
        return fallback
    }

    /// Runs `body` with the URL of a new, empty namespace and its name, then drops it whatever happens.
    public func withFreshURL(_ body: (_ url: String, _ namespace: String) async throws -> Void) async throws {
        let namespace = "leafsync_test_" + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
        let base = try serverURL()
        let url: String
        let dropNamespace: () async -> Void
        switch self {
        case .postgres:
            let admin = try PostgresPool(url: base, size: 1, logger: Self.logger)
            try await admin.withConnection { _ = try $0.query("CREATE SCHEMA \(namespace)") }
            url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(namespace)"
            dropNamespace = {
                _ = try? await admin.withConnection { _ = try $0.query("DROP SCHEMA \(namespace) CASCADE") }
                await admin.close()
            }
        case .mongo:
            let rest = base.dropFirst("mongodb://".count)
            let hosts = rest.prefix { $0 != "/" && $0 != "?" }
            let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
            url = "mongodb://\(hosts)/\(namespace)\(query)"
            dropNamespace = {
                guard let repository = try? MongoImageRepository(url: url, logger: Self.logger) else { return }
                try? await repository.dropDatabase()
                await repository.close()
            }
        }
        do {
            try await body(url, namespace)
        } catch {
            await dropNamespace()
            throw error
        }
        await dropNamespace()
    }

    /// Runs `body` with a migrated repository in a fresh namespace.
    public func withRepository(writesChangeEvents: Bool = false,
                               _ body: (any SyncableImageRepository) async throws -> Void) async throws {
        try await withFreshURL { url, _ in
            let repository = try Self.client(url: url, writesChangeEvents: writesChangeEvents)
            do {
                try await repository.migrate()
                try await body(repository)
            } catch {
                await repository.close()
                throw error
            }
            await repository.close()
        }
    }

    /// A store client for a test's own reads and writes. Against the MongoDB-compatible test
    /// server (a Python server, which under the parallel suite can take seconds to answer a new
    /// connection) it waits up to 20 s for the server; services keep the 2 s default and retry,
    /// a test's one call would fail instead.
    public static func client(url: String, writesChangeEvents: Bool = false, logger: Logger = logger) throws -> any SyncableImageRepository {
        var url = url
        if url.hasPrefix("mongodb://"), !url.lowercased().contains("serverselectiontimeoutms") {
            url += (url.contains("?") ? "&" : "?") + "serverSelectionTimeoutMS=20000"
        }
        return try ImageStore.make(url: url, writesChangeEvents: writesChangeEvents, logger: logger)
    }

    /// A repository pointed at a closed port.
    public func unreachableRepository() throws -> any ImageRepository {
        switch self {
        case .postgres: try ImageStore.make(url: "postgres://app@127.0.0.1:1/none", logger: Self.logger)
        case .mongo: try ImageStore.make(url: "mongodb://127.0.0.1:1/none", logger: Self.logger)
        }
    }
}

extension TestStore {
    /// Makes the (migrated) store at `url` refuse every image with camera `cameraID` from now on,
    /// as a constraint an operator added would: a write the database will never accept.
    public func refuseImages(withCamera cameraID: Int64, url: String) async throws {
        try await setRefusal(of: cameraID, url: url, on: true)
    }

    /// Lifts `refuseImages(withCamera:url:)`: the operator fixed the cause.
    public func acceptImages(withCamera cameraID: Int64, url: String) async throws {
        try await setRefusal(of: cameraID, url: url, on: false)
    }

    private func setRefusal(of cameraID: Int64, url: String, on: Bool) async throws {
        switch self {
        case .postgres:
            let pool = try PostgresPool(url: url, size: 1, logger: Self.logger)
            let sql = on ? "ALTER TABLE images ADD CONSTRAINT refuse_camera_\(cameraID) CHECK (camera_id <> \(cameraID))"
                : "ALTER TABLE images DROP CONSTRAINT refuse_camera_\(cameraID)"
            do {
                try await pool.withConnection { _ = try $0.query(sql) }
            } catch {
                await pool.close()
                throw error
            }
            await pool.close()
        case .mongo:
            let pool = try MongoClientPool(url: url, poolSize: 1, logger: Self.logger)
            let database = pool.databaseName ?? ""
            let validator: BSONDocument = on ? ["camera_id": .document(["$ne": .int64(cameraID)])] : BSONDocument()
            do {
                for plant in Plant.allCases {
                    _ = try await pool.withClient { client in
                        try client.runCommand(["collMod": .string(plant.collectionName), "validator": .document(validator)], database: database)
                    }
                }
            } catch {
                await pool.close()
                throw error
            }
            await pool.close()
        }
    }
}
