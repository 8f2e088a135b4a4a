import ImageModel
import Mongo

// Waiting changes: the `replica_waiting` collection, one document per change that reached the
// consumer before its record: `_id` "plant/id/version" (a redelivery is the same document),
// `plant`, `image_id`, `version`, `topic`, `partition`, `offset`, `key`, `message` (binary)
// and `waiting_since` (a date).
extension MongoImageRepository: WaitingChanges {
    static let waitingCollection = "replica_waiting"

    static func createWaitingIndexes(client: MongoClient, database: String) throws(MongoError) {
        let waiting = client.collection(waitingCollection, database: database)
        try waiting.createIndex(["plant": .int32(1), "image_id": .int32(1)], name: "plant_1_image_id_1")
        try waiting.createIndex(["waiting_since": .int32(1)], name: "waiting_since_1")
    }

    /// Upserts with `$setOnInsert`, so a redelivery keeps the first `waiting_since`.
    public func park(waiting changes: [WaitingChange]) async throws(ImageError) {
        guard !changes.isEmpty else { return }
        let database = self.database
        try await run("waiting-park") { client in
            let upserts = changes.map { change in
                MongoUpdateOperation(filter: ["_id": .string(Self.waitingID(WaitingKey(change)))],
                                     update: ["$setOnInsert": .document(Self.document(change))], upsert: true)
            }
            // Two consumers racing to insert the same change: one insert wins, which is the point.
            try client.collection(Self.waitingCollection, database: database).bulkWrite(upserts, ordered: false)
                .throwWriteErrors(except: \.isDuplicateKey)
        }
    }

    /// One find: a `$in` of ids per plant, under an `$or` when there are several plants.
    public func waitingChanges(of records: [RecordKey]) async throws(ImageError) -> [WaitingChange] {
        let byPlant = Dictionary(grouping: records, by: \.plant).map { plant, keys -> BSONDocument in
            ["plant": .string(plant.rawValue), "image_id": .document(["$in": .array(keys.map { .int64($0.imageID) })])]
        }
        guard let first = byPlant.first else { return [] }
        return try await findWaiting("waiting-of-records", byPlant.count == 1 ? first : ["$or": .array(byPlant.map { .document($0) })])
    }

    public func waitingChanges(before: Timestamp, limit: Int) async throws(ImageError) -> [WaitingChange] {
        guard limit > 0 else { return [] }
        return try await findWaiting("waiting-expired", ["waiting_since": .document(["$lt": .dateTime(before.millisecondsSinceEpoch)])],
                                     options: MongoFindOptions(sort: ["waiting_since": .int32(1)], limit: Int64(limit)))
    }

    public func removeWaiting(_ keys: [WaitingKey]) async throws(ImageError) {
        guard !keys.isEmpty else { return }
        let database = self.database
        try await run("waiting-remove") { client in
            _ = try client.collection(Self.waitingCollection, database: database)
                .deleteMany(["_id": .document(["$in": .array(keys.map { .string(Self.waitingID($0)) })])])
        }
    }

    public func waitingSummary() async throws(ImageError) -> ParkedSummary {
        let database = self.database
        return try await run("waiting-summary") { client in
            let waiting = client.collection(Self.waitingCollection, database: database)
            let oldest = try waiting.findOne(sort: ["waiting_since": .int32(1)], projection: ["waiting_since": .int32(1)])
            return ParkedSummary(count: try waiting.countDocuments(),
                                 oldest: try oldest.map { document throws(MongoError) in
                                     Timestamp(millisecondsSinceEpoch: try document.dateTime("waiting_since"))
                                 })
        }
    }

    private func findWaiting(_ operation: String, _ filter: BSONDocument,
                             options: MongoFindOptions = MongoFindOptions()) async throws(ImageError) -> [WaitingChange] {
        let database = self.database
        return try await run(operation) { client in
            try client.collection(Self.waitingCollection, database: database).find(filter, options: options).map(Self.waitingChange)
        }
    }

    private static func waitingID(_ key: WaitingKey) -> String { "\(key.plant.rawValue)/\(key.imageID)/\(key.version)" }

    private static func document(_ change: WaitingChange) -> BSONDocument {
        [
            "plant": .string(change.plant.rawValue), "image_id": .int64(change.imageID), "version": .int64(change.version),
            "topic": .string(change.topic), "partition": .int32(change.partition), "offset": .int64(change.offset),
            "key": change.key.map { .binary($0) } ?? .null, "message": .binary(change.message),
            "waiting_since": .dateTime(change.waitingSince.millisecondsSinceEpoch),
        ]
    }

    private static func waitingChange(_ document: BSONDocument) throws(MongoError) -> WaitingChange {
        let plantName = try document.string("plant")
        guard let plant = Plant(rawValue: plantName) else {
            throw MongoError(code: .unexpectedDocument, message: "replica_waiting document with unknown plant \"\(plantName)\"")
        }
        return WaitingChange(plant: plant, imageID: try document.int64("image_id"), version: try document.int64("version"),
                             topic: try document.string("topic"), partition: try document.int32("partition"),
                             offset: try document.int64("offset"), key: document.isNullOrAbsent("key") ? nil : try document.binary("key"),
                             message: try document.binary("message"),
                             waitingSince: Timestamp(millisecondsSinceEpoch: try document.dateTime("waiting_since")))
    }
}
