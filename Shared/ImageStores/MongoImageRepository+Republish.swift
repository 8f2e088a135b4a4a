import ImageModel
import Mongo

extension MongoImageRepository: ChangeRepublisher {
    /// Compare-and-set on `version`, as every change: the new version and the repair event in
    /// the record's outbox in one document update.
    public func republish(plant: Plant, id: Int64, above version: Int64) async throws(ImageError) -> Image? {
        let (database, logger, schemaVersion) = (self.database, self.logger, eventSchemaVersion)
        return try await run("republish") { client in
            try Self.compareAndSet(client.images(of: plant, in: database), id: id, operation: "republish", logger: logger) { current in
                guard let image = current.republished(above: version) else {
                    throw ImageError(code: .conflict, message: "\(plant.rawValue) \(id): version \(max(current.version, version)) has no successor")
                }
                let event = ChangeEvent(repaired: image, plant: plant, occurredAt: Timestamp.currentMicroseconds())
                return (BSONDocument([("$set", .document(["version": .int64(image.version)])), Self.stampChange]
                    + Outbox.appendOperators(event, schemaVersion: schemaVersion)), image)
            }
        }
    }
}
