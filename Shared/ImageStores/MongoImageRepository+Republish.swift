import ImageModel
import Mongo

extension MongoImageRepository: ChangeRepublisher {
    /// Compare-and-set on `version`, as every change: the new version and the repair event in
    /// the record's outbox in one document update.
    public func republish(plant: Plant, id: Int64, above version: Int64) async throws(ImageError) -> Image? {
        let database = self.database
        return try await run("republish") { client in
            let images = client.images(of: plant, in: database)
            for _ in 0..<Self.maxAttempts {
                guard let document = try images.findOne(["id": .int64(id)], projection: Outbox.hidden) else { return nil }
                let current = try Image(mongoDocument: document)
                guard let image = current.republished(above: version) else {
                    throw ImageError(code: .conflict, message: "\(plant.rawValue) \(id): version \(max(current.version, version)) has no successor")
                }
                // A LIMS record without `version` counts as version 1 until its first change.
                let expected: BSONValue = document["version"] == nil ? .document(["$exists": .bool(false)]) : .int64(current.version)
                let event = ChangeEvent(repaired: image, plant: plant, occurredAt: Timestamp.currentMicroseconds())
                let update = BSONDocument([("$set", .document(["version": .int64(image.version)])), Self.stampChange]
                    + Outbox.appendOperators(event))
                if try images.updateOne(["id": .int64(id), "version": expected], update).matchedCount == 1 { return image }
            }
            throw ImageError(code: .storeFailure, message: "MongoDB republish gave up after \(Self.maxAttempts) concurrent changes")
        }
    }
}
