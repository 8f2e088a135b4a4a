import ImageModel
import Postgres

extension PostgresImageRepository: ChangeRepublisher {
    /// Locks the record (`FOR UPDATE`, as every change does), bumps its version and enqueues
    /// the whole record in one transaction.
    public func republish(plant: Plant, id: Int64, above version: Int64) async throws(ImageError) -> Image? {
        let schemaVersion = eventSchemaVersion
        return try await run("republish") { connection in
            try connection.transaction { connection -> Image? in
                let key: [PostgresValue] = [.text(plant.rawValue), .int64(id)]
                guard let row = try connection.query("SELECT \(Self.imageColumns) FROM images WHERE plant = $1 AND id = $2 FOR UPDATE",
                                                     key, prepared: true).rows.first else { return nil }
                let current = try Image(postgresRow: row)
                guard let image = current.republished(above: version) else {
                    throw ImageError(code: .conflict, message: "\(plant.rawValue) \(id): version \(max(current.version, version)) has no successor")
                }
                try connection.query("UPDATE images SET version = $3 WHERE plant = $1 AND id = $2", key + [.int64(image.version)],
                                     prepared: true)
                try Self.enqueue(ChangeEvent(repaired: image, plant: plant, occurredAt: Timestamp.currentMicroseconds()),
                                 schemaVersion: schemaVersion, on: connection)
                return image
            }
        }
    }
}
