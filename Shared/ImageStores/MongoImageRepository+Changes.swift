import ImageModel
import Mongo

/// The batch sync's reads of the producer DB and its watermark in the consumer DB: the
/// `sync_state` collection, one document `{job, watermark}` per job.
extension MongoImageRepository: ChangedImageReader, SyncWatermarkStore {
    static let syncStateCollection = "sync_state"

    /// Creates the indexes of the batch sync: `{updated_at, created_at}` in each plant's
    /// collection serves both branches of the "changed since" filter, and `job` is unique.
    static func createChangeIndexes(client: MongoClient, database: String) throws(MongoError) {
        for plant in Plant.allCases {
            try client.images(of: plant, in: database)
                .createIndex(["updated_at": .int32(1), "created_at": .int32(1)], name: "updated_at_1_created_at_1")
        }
        try client.collection(syncStateCollection, database: database).createIndex(["job": .int32(1)], name: "job_1", unique: true)
    }

    /// One find by ascending `id`. The last change is `updated_at`, or `created_at` where LIMS
    /// left `updated_at` null or absent (a `null` condition matches both).
    public func changedImages(plant: Plant, since: Timestamp?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image] {
        guard limit > 0 else { return [] }
        var filter: [(String, BSONValue)] = [("id", .document(["$gt": .int64(afterID)]))]
        if let since {
            let atOrAfter: BSONValue = .document(["$gte": .dateTime(since.millisecondsSinceEpoch)])
            filter.append(("$or", .array([
                .document(["updated_at": atOrAfter]),
                .document(["updated_at": .null, "created_at": atOrAfter]),
            ])))
        }
        let (database, conditions) = (self.database, BSONDocument(filter))
        return try await run("changed-images") { client in
            try client.images(of: plant, in: database)
                .find(conditions, options: MongoFindOptions(sort: Self.byID, limit: Int64(limit), projection: Outbox.hidden))
                .map(Image.init(mongoDocument:))
        }
    }

    public func syncWatermark(job: String) async throws(ImageError) -> Timestamp? {
        let database = self.database
        return try await run("sync-watermark") { client in
            try client.collection(Self.syncStateCollection, database: database).findOne(["job": .string(job)])
                .map { try $0.timestamp("watermark") }
        }
    }

    public func setSyncWatermark(_ watermark: Timestamp, job: String) async throws(ImageError) {
        let database = self.database
        try await run("set-sync-watermark") { client in
            _ = try client.collection(Self.syncStateCollection, database: database).updateOne(
                ["job": .string(job)], ["$set": .document(["watermark": .dateTime(watermark.millisecondsSinceEpoch)])], upsert: true)
        }
    }
}
