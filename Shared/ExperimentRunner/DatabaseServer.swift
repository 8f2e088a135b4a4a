import ExperimentModel
import Foundation
import ImageStores
import Logging
import Postgres
import ServiceKit

/// The PostgreSQL or MongoDB server the run's databases live on: makes their URLs (direct, or
/// through a relay on another loopback port), creates them and drops them.
public struct DatabaseServer: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case postgres, mongo }

    let kind: Kind
    let host: String
    let port: Int
    /// `scheme://[user[:password]@]`: what precedes the host in every URL.
    private let prefix: String
    /// `?...` of the given URL, kept on every database's URL.
    private let query: String

    /// - Parameter url: any URL of the server (a database path in it is ignored).
    init(url: String) throws(ExperimentError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            throw ExperimentError(.configuration, "not a database URL: \(redactingPassword(url))")
        }
        switch scheme {
        case "postgres", "postgresql": kind = .postgres
        case "mongodb": kind = .mongo
        default: throw ExperimentError(.configuration, "\(redactingPassword(url)): expected postgres:// or mongodb://")
        }
        self.host = host
        port = components.port ?? (kind == .postgres ? 5432 : 27017)
        let user = components.percentEncodedUser.map { user in
            user + (components.percentEncodedPassword.map { ":" + $0 } ?? "") + "@"
        } ?? ""
        prefix = "\(scheme)://\(user)"
        query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
    }

    /// The URL of `database`, straight to the server or through a relay listening on `relayPort`.
    func url(_ database: String, relayPort: UInt16? = nil) -> String {
        let authority = relayPort.map { "127.0.0.1:\($0)" } ?? "\(host):\(port)"
        return "\(prefix)\(authority)/\(database)\(query)"
    }

    /// Creates an empty database (MongoDB creates it on first write; nothing to do).
    func create(_ database: String, logger: Logger) async throws {
        guard kind == .postgres else { return }
        try await withAdmin(logger: logger) { admin in
            try await admin.withConnection { _ = try $0.query("CREATE DATABASE \(database)") }
        }
    }

    /// Drops `database` and everything in it; failures are logged, not thrown (a clean-up).
    func drop(_ database: String, logger: Logger) async {
        do {
            switch kind {
            case .postgres:
                try await withAdmin(logger: logger) { admin in
                    // FORCE: a service SIGKILLed on an error path may still hold a connection.
                    try await admin.withConnection { _ = try $0.query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
                }
            case .mongo:
                let repository = try MongoImageRepository(url: url(database), poolSize: 1, logger: logger)
                try await repository.dropDatabase()
                await repository.close()
            }
        } catch {
            logger.warning("cannot drop database", metadata: ["db.name": "\(database)", "error": "\(error)"])
        }
    }

    private func withAdmin(logger: Logger, _ body: (PostgresPool) async throws -> Void) async throws {
        let admin = try PostgresPool(url: url("postgres"), size: 1, logger: logger)
        do {
            try await body(admin)
        } catch {
            await admin.close()
            throw ExperimentError(.database, "PostgreSQL \(host):\(port): \(error)")
        }
        await admin.close()
    }
}
