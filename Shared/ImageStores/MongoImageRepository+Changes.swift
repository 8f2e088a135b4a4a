import ImageModel
import Mongo

/// The batch sync's reads of the producer DB and its watermark in the consumer DB: the
/// `sync_state` collection, one document `{job, horizon_kind, horizon}` per job.
///
/// The order of changes is the server's clock: every create and change sets `changed_at` with
/// `$currentDate` in its one (atomic) document write, so a writer's clock never decides
/// whether the batch sees its change.
extension MongoImageRepository: ChangedImageReader, SyncWatermarkStore {
    static let syncStateCollection = "sync_state"
    static let changedAt = "changed_at"
    /// The update operator that stamps a write with the server's time.
    static let stampChange: (String, BSONValue) = ("$currentDate", .document([changedAt: .bool(true)]))

    /// Creates the indexes of the batch sync: `changed_at`, and `{updated_at, created_at}` for
    /// documents written before it (by LIMS, or seeded), in each plant's collection; `job` is
    /// unique.
    static func createChangeIndexes(client: MongoClient, database: String) throws(MongoError) {
        for plant in Plant.allCases {
            let images = client.images(of: plant, in: database)
            try images.createIndex([changedAt: .int32(1)], name: "changed_at_1")
            try images.createIndex(["updated_at": .int32(1), "created_at": .int32(1)], name: "updated_at_1_created_at_1")
        }
        try client.collection(syncStateCollection, database: database).createIndex(["job": .int32(1)], name: "job_1", unique: true)
    }

    /// The server's own clock (`hello`'s `localTime`), the clock `changed_at` is stamped with.
    public func changeHorizon() async throws(ImageError) -> ChangeHorizon {
        let database = self.database
        return try await run("change-horizon") { client in
            .serverClock(Timestamp(millisecondsSinceEpoch: try client.runCommand(["hello": .int32(1)], database: database).dateTime("localTime")))
        }
    }

    /// One find by ascending `id`. Changed since: `changed_at` at or after the horizon; a
    /// document without it (never written by LeafSync) by its `updated_at`, or `created_at`
    /// where LIMS left `updated_at` null or absent (a `null` condition matches both).
    public func changedImages(plant: Plant, since: ChangeHorizon?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image] {
        guard limit > 0 else { return [] }
        var filter: [(String, BSONValue)] = [("id", .document(["$gt": .int64(afterID)]))]
        switch since {
        case nil:
            break
        case .serverClock(let time):
            let atOrAfter: BSONValue = .document(["$gte": .dateTime(time.millisecondsSinceEpoch)])
            filter.append(("$or", .array([
                .document([Self.changedAt: atOrAfter]),
                .document(BSONDocument([(Self.changedAt, .document(["$exists": .bool(false)])), ("$or", .array([
                    .document(["updated_at": atOrAfter]),
                    .document(["updated_at": .null, "created_at": atOrAfter]),
                ]))])),
            ])))
        case .some(let other):
            throw ImageError.invalidField("since", "is a horizon of another store (\(other.kind)), not a MongoDB server time")
        }
        let (database, conditions) = (self.database, BSONDocument(filter))
        let (windowEnd, overflow) = afterID.addingReportingOverflow(Int64(limit))
        return try await run("changed-images") { client in
            let images = client.images(of: plant, in: database)
            func find(_ conditions: BSONDocument, limit: Int) throws -> [Image] {
                try images.find(conditions, options: MongoFindOptions(sort: Self.byID, limit: Int64(limit), projection: Outbox.hidden))
                    .map(Image.init(mongoDocument:))
            }
            // SecantusDB reads every document past `afterID` before it sorts and limits (~25 µs
            // each: a 100,000-record bootstrap spent most of its time there). Without a horizon
            // the ids are dense, so the next `limit` ids hold a page; only a page the window
            // does not fill (a gap in the ids, the end) reads on past it.
            guard since == nil, !overflow else { return try find(conditions, limit: limit) }
            let window = try find(["id": .document(["$gt": .int64(afterID), "$lte": .int64(windowEnd)])], limit: limit)
            guard window.count < limit else { return window }
            return window + (try find(["id": .document(["$gt": .int64(windowEnd)])], limit: limit - window.count))
        }
    }

    /// A document of an earlier release has only `watermark` (a time): no horizon, a full run.
    public func syncWatermark(job: String) async throws(ImageError) -> ChangeHorizon? {
        let database = self.database
        return try await run("sync-watermark") { client in
            guard let document = try client.collection(Self.syncStateCollection, database: database).findOne(["job": .string(job)]),
                  case .string(let kind)? = document["horizon_kind"], case .string(let value)? = document["horizon"]
            else { return nil }
            return ChangeHorizon(kind: kind, storedValue: value)
        }
    }

    public func setSyncWatermark(_ watermark: ChangeHorizon, job: String) async throws(ImageError) {
        let database = self.database
        try await run("set-sync-watermark") { client in
            _ = try client.collection(Self.syncStateCollection, database: database).updateOne(
                ["job": .string(job)],
                ["$set": .document(["horizon_kind": .string(watermark.kind), "horizon": .string(watermark.storedValue)]),
                 "$unset": .document(["watermark": .string("")])],
                upsert: true)
        }
    }
}
