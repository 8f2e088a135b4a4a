import ImageModel
import Logging
import Mongo

/// The image store on MongoDB in the LIMS layout: one collection per plant
/// (`imagecolplantpotato`…) with a unique index on `id`, and the `is_deployed` collection.
///
/// Operations run on a `MongoClientPool` (blocking libmongoc calls on its own Dispatch
/// threads); one logical operation uses one client. Connection failures become
/// `.storeUnavailable`, other database errors `.storeFailure` with the libmongoc domain/code.
/// Every value reaches the server as typed BSON built here, so no client input can become a
/// query operator.
public final class MongoImageRepository: ImageRepository {
    /// The database when the URL names none: the LIMS producer database.
    public static let defaultDatabase = "imagedbplantproducer"
    static let deployedCollection = "is_deployed"

    let pool: MongoClientPool
    let database: String
    let logger: Logger
    /// Whether creates, updates and deletes write their change event to the outbox.
    let writesChangeEvents: Bool
    /// The envelope schema of the events they write.
    let eventSchemaVersion: Int64
    /// Creates of one plant run one at a time in this process; the unique index and a retry
    /// settle races with other processes.
    let createLocks: [Plant: CreateLock]
    /// Replica writes reach the server one after the other: a consumer hands over its next
    /// batch's write while one runs, and the server gets it the moment the reply comes.
    let replicaWrites = MongoLane(label: "leafsync.mongo.replica-writes")

    /// Validates `url` without connecting: the service pings with backoff until the database
    /// is up.
    /// - Parameters:
    ///   - url: `mongodb://host:port/database?options`; the database defaults to
    ///     `imagedbplantproducer`.
    ///   - writesChangeEvents, eventSchemaVersion: see `ImageStore.make`.
    ///   - poolSize: the most operations (and connections) at once.
    /// - Throws: `ImageError` `.invalidField` (field `url` or `poolSize`) for another scheme,
    ///   a URL libmongoc cannot parse, or a pool size below 1.
    public init(url: String, poolSize: Int = 8, writesChangeEvents: Bool = false,
                eventSchemaVersion: Int64 = ChangeEvent.schemaVersion, logger: Logger) throws(ImageError) {
        self.writesChangeEvents = writesChangeEvents
        self.eventSchemaVersion = eventSchemaVersion
        guard url.hasPrefix("mongodb://") else {
            throw ImageError.invalidField("url", "must start with mongodb://")
        }
        guard poolSize >= 1 else { throw ImageError.invalidField("poolSize", "must be at least 1, got \(poolSize)") }
        var logger = logger
        logger[metadataKey: "db.system"] = "mongodb"
        do {
            // Only the producer's writes (a create takes the next id, a change writes its
            // outbox entry) must not be applied twice by libmongoc's automatic retry. Every
            // other writer's writes are idempotent: the consumer's are version-guarded, waiting
            // changes are keyed by their offset, seeds by their id, a repair's republish is a
            // compare-and-set on the version. Without retryable writes the server keeps no
            // record per command (on SecantusDB that record and the scan of the older ones
            // were ~40% of its time under the consumer's inserts).
            pool = try MongoClientPool(url: url, poolSize: poolSize, retryableWrites: writesChangeEvents, logger: logger)
        } catch {
            throw ImageError.invalidField("url", error.message)
        }
        database = pool.databaseName ?? Self.defaultDatabase
        logger[metadataKey: "db.name"] = "\(database)"
        self.logger = logger
        createLocks = Dictionary(uniqueKeysWithValues: Plant.allCases.map { ($0, CreateLock()) })
    }

    /// Whether writes go as retryable writes: only with `writesChangeEvents`, unless the URL's
    /// `retryWrites` says otherwise.
    public var retriesWrites: Bool { pool.retriesWrites }

    /// The unique index on `id` in every plant collection. The list and random filters
    /// (`is_active`, `disease`, `is_deleted`) scan in `id` order through that index; at LIMS
    /// sizes (thousands per plant) extra indexes would cost more on writes than they save.
    /// With `writesChangeEvents`, also the outbox's sparse index (`MongoImageRepository+Outbox.swift`);
    /// always those of the batch sync (`MongoImageRepository+Changes.swift`) and of waiting
    /// changes (`MongoImageRepository+Waiting.swift`).
    public func migrate() async throws(ImageError) {
        let (database, writesChangeEvents) = (self.database, self.writesChangeEvents)
        try await run("migrate") { client in
            for plant in Plant.allCases {
                try client.collection(plant.collectionName, database: database)
                    .createIndex(["id": .int32(1)], name: "id_1", unique: true)
                if writesChangeEvents { try Outbox.createIndex(of: plant, client: client, database: database) }
            }
            try Self.createChangeIndexes(client: client, database: database)
            try Self.createWaitingIndexes(client: client, database: database)
            try client.collection(Self.bootstrapCollection, database: database).createIndex(["group": .int32(1)], name: "group_1", unique: true)
        }
    }

    public func ping() async throws(ImageError) {
        try await run("ping") { try $0.ping() }
    }

    public func isDeployed() async throws(ImageError) -> Bool {
        let database = self.database
        return try await run("is-deployed") { client in
            try client.collection(Self.deployedCollection, database: database).findOne(["is_deployed": .bool(true)]) != nil
        }
    }

    /// Upserts the single `{"is_deployed": true}` document. (Two racing first calls could
    /// insert it twice; `isDeployed` only asks whether one exists, so that is harmless.)
    public func setDeployed() async throws(ImageError) {
        let database = self.database
        try await run("set-deployed") { client in
            _ = try client.collection(Self.deployedCollection, database: database)
                .updateOne(BSONDocument(), ["$set": .document(["is_deployed": .bool(true)])], upsert: true)
        }
    }

    /// Also forgets the batch sync's watermarks, which describe the records removed.
    public func removeAll() async throws(ImageError) {
        let database = self.database
        try await run("remove-all") { client in
            for name in Plant.allCases.map(\.collectionName) + [Self.deployedCollection, Self.syncStateCollection, Self.waitingCollection, Self.bootstrapCollection] {
                try client.collection(name, database: database).deleteMany(BSONDocument())
            }
        }
    }

    /// Drops the whole database, indexes included (tests clean up with it).
    public func dropDatabase() async throws(ImageError) {
        let database = self.database
        try await run("drop-database") { try $0.dropDatabase(database) }
    }

    public func close() async {
        await pool.close()
    }

    /// Runs `body` with a pooled client, turning database errors into `ImageError`s;
    /// `ImageError`s thrown by `body` pass through.
    @discardableResult
    func run<T: Sendable>(_ operation: String, queuedOn lane: MongoLane? = nil,
                          _ body: @escaping @Sendable (MongoClient) throws -> T) async throws(ImageError) -> T {
        do {
            return try await pool.withClient(queuedOn: lane, body)
        } catch let error as ImageError {
            throw error
        } catch let error as MongoError {
            throw Self.imageError(error, operation: operation)
        } catch {
            throw ImageError(code: .storeFailure, message: "MongoDB \(operation) failed: \(error)")
        }
    }

    static func imageError(_ error: MongoError, operation: String) -> ImageError {
        if error.isConnectionFailure || error.code == .closed {
            return ImageError(code: .storeUnavailable, message: "MongoDB is unavailable (\(operation)): \(error.message)")
        }
        if error.isDataRejection {
            return ImageError(code: .storeRejected, message: "MongoDB refused the data (\(operation)): \(error)")
        }
        return ImageError(code: .storeFailure, message: "MongoDB \(operation) failed: \(error)")
    }
}

extension MongoClient {
    /// The collection of `plant`'s images.
    func images(of plant: Plant, in database: String) -> MongoCollection {
        collection(plant.collectionName, database: database)
    }
}
