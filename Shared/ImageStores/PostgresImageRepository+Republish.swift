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

    /// In one transaction: no such record, then the purge into the outbox as version 0, which
    /// no change of a record has, so a create of that id meanwhile never meets it on the outbox
    /// key; a purge of the record still waiting there is replaced (one suffices). A create
    /// committing meanwhile is harmless: the purge removes only the version it names.
    public func purge(plant: Plant, id: Int64, removing version: Int64) async throws(ImageError) -> Bool {
        let event = ChangeEvent(purging: id, plant: plant, removing: version, occurredAt: Timestamp.currentMicroseconds())
        let envelope = event.envelope(schemaVersion: eventSchemaVersion)
        return try await run("purge") { connection in
            try connection.transaction { connection -> Bool in
                let key: [PostgresValue] = [.text(plant.rawValue), .int64(id)]
                guard try connection.query("SELECT 1 FROM images WHERE plant = $1 AND id = $2", key, prepared: true).rows.isEmpty else {
                    return false
                }
                try connection.query("""
                    INSERT INTO outbox (plant, image_id, version, op, envelope) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (plant, image_id, version) DO UPDATE SET envelope = EXCLUDED.envelope
                    """, key + [.int64(event.version), .text(event.op.rawValue), .bytea(envelope)], prepared: true)
                return true
            }
        }
    }
}
