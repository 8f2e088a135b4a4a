import ImageModel
import Postgres

/// The producer side of the stream sync: the `outbox` table, which `create`, `update` and
/// `softDelete` fill (with `writesChangeEvents`) and the relay drains.
extension PostgresImageRepository: ChangeOutbox {
    /// Ordered by `seq`. A record's events are in version order: see `enqueue(_:schemaVersion:on:)`. The
    /// byte budget is applied in the database (a running sum over the page), so envelopes past
    /// it never leave it.
    ///
    /// A claimant claims first, in a statement of its own: an upsert into `outbox_claims` that
    /// takes a record only when unclaimed, its own, or its lease ended. Two relays claiming one
    /// record at once meet on the primary key; the second sees the first's committed claim and
    /// skips the record, so a record is never published by two relays at a time. The page is
    /// read by a second statement: its snapshot comes after the claim, so events another relay
    /// published and removed before releasing the record are gone from it. (Read in the claim's
    /// own statement, whose snapshot can predate that removal while its upsert already sees the
    /// release, they were published twice: 3% of events with three relays under load.)
    public func pendingChanges(limit: Int, maxBytes: Int, claimant: OutboxClaimant?) async throws(ImageError) -> [OutboxEntry] {
        var params: [PostgresValue] = [.int64(Int64(max(limit, 0))), .int64(Int64(max(maxBytes, 1)))]
        let page: String
        if let claimant {
            let claimed = try await run("outbox-claim") { [params] connection in
                try connection.query("""
                    WITH candidates AS (
                        SELECT DISTINCT plant, image_id FROM (
                            SELECT plant, image_id FROM outbox o
                            WHERE NOT EXISTS (SELECT 1 FROM outbox_claims k WHERE k.plant = o.plant AND k.image_id = o.image_id
                                              AND k.owner <> $2 AND k.until > now())
                            ORDER BY seq LIMIT $1) oldest)
                    INSERT INTO outbox_claims (plant, image_id, owner, until)
                    SELECT plant, image_id, $2, now() + $3 * interval '1 millisecond' FROM candidates
                    ON CONFLICT (plant, image_id) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
                        WHERE outbox_claims.owner = EXCLUDED.owner OR outbox_claims.until <= now()
                    RETURNING plant, image_id
                    """, [params[0], .text(claimant.id), .int64(claimant.leaseMilliseconds)], prepared: true).rows
                    .map { row throws(PostgresError) -> (plant: String, id: Int64) in (try row.decode(0), try row.decode(1)) }
            }
            guard !claimed.isEmpty else { return [] }
            params += [Self.arrayParameter(claimed.map(\.plant)), Self.arrayParameter(claimed.map(\.id))]
            page = """
                SELECT * FROM outbox WHERE (plant, image_id) IN (SELECT * FROM unnest($3::text[], $4::bigint[]))
                ORDER BY seq LIMIT $1
                """
        } else {
            page = "SELECT * FROM outbox ORDER BY seq LIMIT $1"
        }
        let sql = """
            SELECT plant, image_id, version, op, envelope,
                   EXISTS (SELECT 1 FROM outbox_parked p WHERE p.plant = o.plant AND p.image_id = o.image_id)
            FROM (SELECT seq, plant, image_id, version, op, envelope,
                         sum(octet_length(envelope)) OVER (ORDER BY seq) - octet_length(envelope) AS before
                  FROM (\(page)) page) o
            WHERE before < $2 ORDER BY seq
            """
        return try await run("outbox-pending") { [params] connection in
            try connection.query(sql, params, prepared: true).rows.map(OutboxEntry.init(postgresRow:))
        }
    }

    public func releaseClaims(of claimant: OutboxClaimant) async throws(ImageError) {
        try await run("outbox-release") { connection in
            try connection.query("DELETE FROM outbox_claims WHERE owner = $1", [.text(claimant.id)], prepared: true)
        }
    }

    /// One DELETE by the `(plant, image_id, version)` key (more only past `maxParameters`).
    public func removePublished(_ entries: [OutboxEntry]) async throws(ImageError) {
        guard !entries.isEmpty else { return }
        try await run("outbox-remove") { connection in
            let width = 3
            for batch in Self.batches(of: entries, size: Self.maxParameters / width) {
                var params: [PostgresValue] = []
                params.reserveCapacity(batch.count * width)
                for entry in batch {
                    params += [.text(entry.plant.rawValue), .int64(entry.imageID), .int64(entry.version)]
                }
                try connection.query("""
                    DELETE FROM outbox WHERE (plant, image_id, version) IN (VALUES \(Self.placeholders(rows: batch.count, width: width)))
                    """, params)
            }
        }
    }

    public func pendingChangeCount() async throws(ImageError) -> Int64 {
        try await run("outbox-count") { connection in
            try connection.query("SELECT count(*) FROM outbox", prepared: true).scalar(Int64.self)
        }
    }

    /// Writes `event` to the outbox inside the caller's transaction, which commits or rolls
    /// back the event with its change.
    ///
    /// `seq` comes from a sequence when the row is inserted, not when it commits, so across
    /// records seq order may differ from commit order: the relay only needs a record's events
    /// in version order, and those hold it. A create inserts its event before it commits, and
    /// no update sees the record earlier; changes of one record serialize on the row's
    /// `FOR UPDATE` lock, held until COMMIT, so each change inserts its event after the
    /// previous change committed and gets a higher seq. Keep every outbox write behind that
    /// lock (or the create's), or the relay may publish versions out of order.
    static func enqueue(_ event: ChangeEvent, schemaVersion: Int64, on connection: PostgresConnection) throws(PostgresError) {
        try connection.query("INSERT INTO outbox (plant, image_id, version, op, envelope) VALUES ($1, $2, $3, $4, $5)",
                             [.text(event.plant.rawValue), .int64(event.imageID), .int64(event.version),
                              .text(event.op.rawValue), .bytea(event.envelope(schemaVersion: schemaVersion))], prepared: true)
    }
}

extension OutboxEntry {
    /// Reads a row of `plant, image_id, version, op, envelope[, is behind parked]`.
    init(postgresRow row: PostgresRow) throws(PostgresError) {
        let plantText: String = try row.decode(0)
        let opText: String = try row.decode(3)
        guard let plant = Plant(rawValue: plantText), let op = ChangeOperation(rawValue: opText) else {
            throw PostgresError(code: .decoding, message: "outbox row with unknown plant \"\(plantText)\" or op \"\(opText)\"")
        }
        self.init(plant: plant, imageID: try row.decode(1), version: try row.decode(2), op: op, envelope: try row.decode(4),
                  isBehindParked: row.values.count > 5 ? try row.decode(5) : false)
    }
}
