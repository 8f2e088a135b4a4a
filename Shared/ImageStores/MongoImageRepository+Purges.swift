import ImageModel
import Mongo

// A purge (`verify --repair` of a record only the consumer DB has) cannot live in a record's
// document as every other event does: the producer has no such record. It waits in
// `outbox_purges`, one document per record ({plant, id, envelope, since}), which the relay
// reads beside the records' outboxes. No relay claims one: a purge published twice is
// harmless, as the second finds nothing left to remove.
extension MongoImageRepository {
    enum Purges {
        static let collection = "outbox_purges"

        /// Up to `limit` purges, oldest first, with their `occurred_at` (µs).
        static func pending(limit: Int, client: MongoClient, database: String) throws(MongoError) -> [(since: Int64, entry: OutboxEntry)] {
            let documents = try client.collection(collection, database: database).find(
                BSONDocument(), options: MongoFindOptions(sort: ["since": .int32(1)], limit: Int64(limit)))
            var found: [(since: Int64, entry: OutboxEntry)] = []
            for document in documents {
                let plantText = try document.string("plant")
                guard let plant = Plant(rawValue: plantText) else {
                    throw MongoError(code: .unexpectedDocument, message: "\(collection): unknown plant \"\(plantText)\"")
                }
                found.append((try document.int64("since"), OutboxEntry(plant: plant, imageID: try document.int64("id"), version: 0,
                                                                       op: .purge, envelope: try document.binary("envelope"))))
            }
            return found
        }

        /// Removes `entries`, each only as it was read: a purge replaced meanwhile stays.
        static func remove(_ entries: [OutboxEntry], client: MongoClient, database: String) throws(MongoError) {
            let purges = client.collection(collection, database: database)
            for entry in entries {
                _ = try purges.deleteMany(["plant": .string(entry.plant.rawValue), "id": .int64(entry.imageID),
                                           "envelope": .binary(entry.envelope)])
            }
        }

        static func count(client: MongoClient, database: String) throws(MongoError) -> Int64 {
            try client.collection(collection, database: database).countDocuments()
        }
    }

    /// No such record, then the purge into `outbox_purges`, replacing one of the record still
    /// waiting there (one suffices). A create of that id meanwhile is harmless: the purge
    /// removes only the version it names.
    public func purge(plant: Plant, id: Int64, removing version: Int64) async throws(ImageError) -> Bool {
        let event = ChangeEvent(purging: id, plant: plant, removing: version, occurredAt: Timestamp.currentMicroseconds())
        let (database, envelope) = (self.database, event.envelope(schemaVersion: eventSchemaVersion))
        return try await run("purge") { client in
            guard try client.images(of: plant, in: database).findOne(["id": .int64(id)], projection: ["_id": .int32(1)]) == nil else {
                return false
            }
            _ = try client.collection(Purges.collection, database: database).updateOne(
                ["plant": .string(plant.rawValue), "id": .int64(id)],
                ["$set": .document(["envelope": .binary(envelope), "since": .int64(event.occurredAt)])], upsert: true)
            return true
        }
    }
}
