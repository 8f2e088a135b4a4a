import ImageModel
import Postgres

/// The batch sync's reads of the producer DB and its watermark in the consumer DB (the
/// `changed_by` column and trigger of schema step 7, and the `sync_state` table).
extension PostgresImageRepository: ChangedImageReader, SyncWatermarkStore {
    public func changeHorizon() async throws(ImageError) -> ChangeHorizon {
        try await run("change-horizon") { connection in
            .postgresSnapshot(try connection.query("SELECT pg_current_snapshot()::text").scalar(String.self))
        }
    }

    /// Keyset paging on the primary key. Since a snapshot: the rows whose last changing
    /// transaction that snapshot did not see, found through `(plant, changed_by)` from the
    /// snapshot's oldest running transaction on; not prepared, so each page is planned with
    /// its own snapshot.
    public func changedImages(plant: Plant, since: ChangeHorizon?, afterID: Int64, limit: Int) async throws(ImageError) -> [Image] {
        guard limit > 0 else { return [] }
        var params: [PostgresValue] = [.text(plant.rawValue), .int64(afterID), .int64(Int64(limit))]
        var changed = ""
        switch since {
        case nil:
            break
        case .postgresSnapshot(let snapshot):
            params.append(.text(snapshot))
            changed = " AND changed_by >= pg_snapshot_xmin($4::pg_snapshot) AND NOT pg_visible_in_snapshot(changed_by, $4::pg_snapshot)"
        case .some(let other):
            throw ImageError.invalidField("since", "is a horizon of another store (\(other.kind)), not a PostgreSQL snapshot")
        }
        let sql = "SELECT \(Self.imageColumns) FROM images WHERE plant = $1 AND id > $2\(changed) ORDER BY id LIMIT $3"
        return try await run("changed-images") { [params] connection in
            try connection.query(sql, params).rows.map(Image.init(postgresRow:))
        }
    }

    public func syncWatermark(job: String) async throws(ImageError) -> ChangeHorizon? {
        try await run("sync-watermark") { connection in
            // A row of an earlier release has only the old time column: no horizon, a full run.
            guard let row = try connection.query("SELECT horizon_kind, horizon FROM sync_state WHERE job = $1", [.text(job)]).rows.first,
                  let kind = try row.decode(0, as: String?.self), let value = try row.decode(1, as: String?.self)
            else { return nil }
            return ChangeHorizon(kind: kind, storedValue: value)
        }
    }

    public func setSyncWatermark(_ watermark: ChangeHorizon, job: String) async throws(ImageError) {
        try await run("set-sync-watermark") { connection in
            try connection.query("""
                INSERT INTO sync_state (job, horizon_kind, horizon) VALUES ($1, $2, $3)
                ON CONFLICT (job) DO UPDATE SET horizon_kind = EXCLUDED.horizon_kind, horizon = EXCLUDED.horizon, watermark = NULL
                """, [.text(job), .text(watermark.kind), .text(watermark.storedValue)])
        }
    }
}
