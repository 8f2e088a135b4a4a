import ImageModel
import Postgres

/// The batch sync's reads of the producer DB and its watermark in the consumer DB (the
/// `sync_state` table and the `images_plant_changed_idx` index of schema step 3).
extension PostgresImageRepository: ChangedImageReader, SyncWatermarkStore {
    /// Keyset paging on the primary key. With `since`, the planner picks between walking the
    /// key and filtering (many changes) and the expression index on the last change followed
    /// by a sort of the few matches; not prepared, so each page is planned with its own `since`.
    public func changedImages(plant: Plant, since: Timestamp?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image] {
        guard limit > 0 else { return [] }
        var params: [PostgresValue] = [.text(plant.rawValue), .int64(afterID), .int64(Int64(limit))]
        var changed = ""
        if let since {
            params.append(.timestamp(PostgresTimestamp(since)))
            changed = " AND coalesce(updated_at, created_at) >= $4"
        }
        let sql = "SELECT \(Self.imageColumns) FROM images WHERE plant = $1 AND id > $2\(changed) ORDER BY id LIMIT $3"
        return try await run("changed-images") { [params] connection in
            try connection.query(sql, params).rows.map(Image.init(postgresRow:))
        }
    }

    public func syncWatermark(job: String) async throws(ImageError) -> Timestamp? {
        try await run("sync-watermark") { connection in
            try connection.query("SELECT watermark FROM sync_state WHERE job = $1", [.text(job)])
                .rows.first.map { Timestamp(try $0.decode(0, as: PostgresTimestamp.self)) }
        }
    }

    public func setSyncWatermark(_ watermark: Timestamp, job: String) async throws(ImageError) {
        try await run("set-sync-watermark") { connection in
            try connection.query("""
                INSERT INTO sync_state (job, watermark) VALUES ($1, $2)
                ON CONFLICT (job) DO UPDATE SET watermark = EXCLUDED.watermark
                """, [.text(job), .timestamp(PostgresTimestamp(watermark))])
        }
    }
}
