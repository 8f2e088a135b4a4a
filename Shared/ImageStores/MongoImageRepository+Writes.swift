import ImageModel
import Logging
import Mongo

extension MongoImageRepository {
    /// Retries of one create or compare-and-set before giving up: each retry means another
    /// writer made progress, so hitting this means pathological contention.
    static let maxAttempts = 100
    /// Documents per bulk insert when seeding: ~10 MB of 50 KB JPEGs, under the 48 MB message.
    static let insertBatchSize = 200

    /// Takes `max(id) + 1` and inserts; creates of one plant in this process take turns, and a
    /// duplicate key (another process took that id first) makes it read the maximum again.
    /// Without `data`, copies the data of a uniformly chosen record of the plant. With
    /// `writesChangeEvents`, the document is inserted with its create event in its outbox.
    ///
    /// The insert is an upsert whose filter matches no document (every document has an `_id`),
    /// so it only ever inserts, and a taken id still fails on the unique index; unlike
    /// `insertOne`, it can have the server stamp `changed_at` in the same write.
    public func create(plant: Plant, _ new: NewImage, at time: Timestamp) async throws(ImageError) -> Image {
        let (database, logger, eventSchema) = (self.database, self.logger, writesChangeEvents ? eventSchemaVersion : nil)
        return try await createLocks[plant]!.withLock { () async throws(ImageError) -> Image in
            try await self.run("create") { client in
                let images = client.images(of: plant, in: database)
                let data = try new.data ?? Self.randomData(of: images, plant: plant)
                for _ in 0..<Self.maxAttempts {
                    let last = try images.findOne(sort: ["id": .int32(-1)], projection: ["id": .int32(1)])
                    let image = Image(id: try (last?.int64("id") ?? 0) + 1, cameraID: new.cameraID, data: data,
                                      gpsCoordinates: new.gpsCoordinates, createdAt: time, updatedAt: time)
                    let outbox = eventSchema.map {
                        Outbox.insertFields(ChangeEvent(created: image, plant: plant, occurredAt: Timestamp.currentMicroseconds()), schemaVersion: $0)
                    } ?? []
                    do {
                        _ = try images.updateOne(["id": .int64(image.id), "_id": .document(["$exists": .bool(false)])],
                                                 BSONDocument([("$setOnInsert", .document(BSONDocument(image.mongoFields + outbox))),
                                                               Self.stampChange]),
                                                 upsert: true)
                        return image
                    } catch let error as MongoError where error.isDuplicateKey {
                        logger.debug("Id taken by another writer, retrying", metadata: [
                            "db.collection": "\(plant.collectionName)", "image.id": "\(image.id)",
                        ])
                    }
                }
                throw ImageError(code: .storeFailure, message: "MongoDB create gave up after \(Self.maxAttempts) id collisions")
            }
        }
    }

    private static func randomData(of images: MongoCollection, plant: Plant) throws -> [UInt8] {
        let count = try images.countDocuments()
        let options = MongoFindOptions(sort: byID, skip: count > 0 ? Int64.random(in: 0..<count) : 0, limit: 1,
                                       projection: ["data": .int32(1)])
        guard count > 0, let document = try images.find(options: options).first else {
            throw ImageError(code: .conflict, message: "No \(plant.rawValue) image to copy data from: create one with \"data\" first")
        }
        return try document.binary("data")
    }

    public func update(plant: Plant, _ update: ImageUpdate, at time: Timestamp) async throws(ImageError) -> Image? {
        try await modify(plant: plant, id: update.id, operation: "update") { $0.applying(update, at: time) }
    }

    public func softDelete(plant: Plant, id: Int64, at time: Timestamp) async throws(ImageError) -> Image? {
        try await modify(plant: plant, id: id, operation: "delete") { $0.softDeleted(at: time) }
    }

    /// Applies the domain's `change` by `compareAndSet`; nothing is written when nothing
    /// changed. With `writesChangeEvents`, the same update appends the change's event to the
    /// outbox.
    private func modify(plant: Plant, id: Int64, operation: String,
                        _ change: @escaping @Sendable (Image) -> (image: Image, changed: [ImageField])) async throws(ImageError) -> Image? {
        let (database, logger, eventSchema) = (self.database, self.logger, writesChangeEvents ? eventSchemaVersion : nil)
        return try await run(operation) { client in
            try Self.compareAndSet(client.images(of: plant, in: database), id: id, operation: operation, logger: logger) { current in
                let (next, changed) = change(current)
                guard !changed.isEmpty else { return (nil, current) }
                let set = (changed + [.updatedAt]).map { ($0.rawValue, next[$0].mongoValue) } + [("version", .int64(next.version))]
                let outbox = eventSchema.map {
                    Outbox.appendOperators(ChangeEvent(changed: changed, of: next, plant: plant, occurredAt: Timestamp.currentMicroseconds()),
                                           schemaVersion: $0)
                } ?? []
                return (BSONDocument([("$set", .document(BSONDocument(set))), Self.stampChange] + outbox), next)
            }
        }
    }

    /// Compare-and-set on `version`: reads record `id` (nil when there is none), asks `plan`
    /// for the update and the result, and applies the update only if the version is still the
    /// one read; otherwise another writer won and it starts over from a fresh read. A nil
    /// update writes nothing.
    static func compareAndSet<T>(_ images: MongoCollection, id: Int64, operation: String, logger: Logger,
                                 _ plan: (Image) throws -> (update: BSONDocument?, result: T)) throws -> T? {
        for _ in 0..<maxAttempts {
            guard let document = try images.findOne(["id": .int64(id)], projection: Outbox.hidden) else { return nil }
            let current = try Image(mongoDocument: document)
            let (update, result) = try plan(current)
            guard let update else { return result }
            // A LIMS record without `version` counts as version 1 until its first change.
            let expected: BSONValue = document["version"] == nil ? .document(["$exists": .bool(false)]) : .int64(current.version)
            if try images.updateOne(["id": .int64(id), "version": expected], update).matchedCount == 1 { return result }
            logger.debug("Concurrent change, retrying", metadata: ["db.collection": "\(images.name)", "image.id": "\(id)"])
        }
        throw ImageError(code: .storeFailure, message: "MongoDB \(operation) gave up after \(maxAttempts) concurrent changes")
    }

    /// Unordered bulk inserts; ids that exist already are rejected by the unique index and
    /// those rejections ignored, so existing records stay untouched.
    public func insert(plant: Plant, _ images: [Image]) async throws(ImageError) {
        let database = self.database
        try await run("insert") { client in
            let collection = client.images(of: plant, in: database)
            for start in stride(from: 0, to: images.count, by: Self.insertBatchSize) {
                let batch = images[start..<min(start + Self.insertBatchSize, images.count)].map(\.mongoDocument)
                do {
                    _ = try collection.insertMany(batch, ordered: false)
                } catch let error as MongoError where error.isDuplicateKey {
                    continue
                }
            }
        }
    }
}
