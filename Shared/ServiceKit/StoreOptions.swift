import ArgumentParser

/// The database options of a service that owns one image store.
public struct StoreOptions: ParsableArguments, Sendable {
    @Option(help: "The database: postgres://user:pass@host:port/db or mongodb://host:port/db. Env LEAFSYNC_STORE_URL.")
    public var storeURL: String?

    @Option(help: "Seconds to keep retrying an unreachable database (or broker) at startup before exiting. Env LEAFSYNC_STORE_DEADLINE. Default 60.")
    public var storeDeadline: Double?

    @Option(help: "Database connections (PostgreSQL) or pooled clients (MongoDB). Env LEAFSYNC_STORE_POOL_SIZE. Default 4 / 8.")
    public var storePoolSize: Int?

    public init() {}

    public func resolve(_ source: ConfigurationSource) throws -> StoreSettings {
        guard let url = source.optionalString("store_url", flag: storeURL) else {
            throw ValidationError("no database: set --store-url or LEAFSYNC_STORE_URL")
        }
        let poolSize = try source.optionalString("store_pool_size", flag: storePoolSize.map(String.init)).map { text in
            guard let size = Int(text), size >= 1 else { throw ValidationError("store pool size must be a whole number ≥ 1, got \(text)") }
            return size
        }
        return StoreSettings(url: url, deadline: try source.seconds("store_deadline", flag: storeDeadline, default: 60),
                             poolSize: poolSize)
    }
}

public struct StoreSettings: Sendable {
    public var url: String
    /// How long startup waits for the database.
    public var deadline: Duration
    /// Nil: the store's default.
    public var poolSize: Int?
}

extension ServerOptions {
    /// The `discussion` of every service's `--help`.
    public static let precedenceDiscussion = """
        Every option can also be set by an environment variable LEAFSYNC_<OPTION> (e.g. \
        LEAFSYNC_STORE_URL) or, with ENV=dev|stg|prod, by config.<ENV>.json in the config folder. \
        Precedence: flag, then environment variable, then config file, then the default.
        """
}
