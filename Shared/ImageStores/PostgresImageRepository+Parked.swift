import ImageModel
import Postgres

/// The parked events: `outbox_parked`, rows the relay moved out of the outbox because no
/// retry could publish them, with the reason, the attempts and the time.
extension PostgresImageRepository {
    /// One statement per `maxParameters`: the rows move (DELETE ... RETURNING into INSERT), so an
    /// event is in exactly one of the two tables at any time.
    public func park(_ entries: [OutboxEntry], reason: String, attempts: Int, onlyBehindParked: Bool) async throws(ImageError) {
        guard !entries.isEmpty else { return }
        try await run("outbox-park") { connection in
            let width = 3
            for batch in Self.batches(of: entries, size: Self.maxParameters / width - 2) {
                var params: [PostgresValue] = batch.flatMap { [.text($0.plant.rawValue), .int64($0.imageID), .int64($0.version)] }
                params += [.text(reason), .int64(Int64(attempts))]
                let behind = onlyBehindParked
                    ? "AND EXISTS (SELECT 1 FROM outbox_parked p WHERE p.plant = o.plant AND p.image_id = o.image_id AND p.version < o.version)"
                    : ""
                try connection.query("""
                    WITH moved AS (
                        DELETE FROM outbox o
                        WHERE (plant, image_id, version) IN (VALUES \(Self.placeholders(rows: batch.count, width: width))) \(behind)
                        RETURNING plant, image_id, version, op, envelope)
                    INSERT INTO outbox_parked (plant, image_id, version, op, envelope, reason, attempts, parked_at)
                    SELECT plant, image_id, version, op, envelope, $\(params.count - 1), $\(params.count)::int, now() AT TIME ZONE 'UTC'
                    FROM moved ON CONFLICT DO NOTHING
                    """, params)
            }
        }
    }

    public func parkedEvents(_ filter: ParkedFilter, limit: Int) async throws(ImageError) -> [ParkedEvent] {
        try await run("outbox-parked") { connection in
            try connection.query("""
                SELECT plant, image_id, version, op, envelope, reason, attempts, parked_at FROM outbox_parked
                WHERE \(Self.parkedCondition) ORDER BY parked_at, plant, image_id, version LIMIT $3
                """, Self.parameters(filter) + [.int64(Int64(max(limit, 0)))]).rows.map { row throws(PostgresError) in
                    ParkedEvent(entry: try OutboxEntry(postgresRow: PostgresRow(values: Array(row.values.prefix(5)))),
                                reason: try row.decode(5), attempts: Int(try row.decode(6, as: Int64.self)),
                                parkedAt: Timestamp(try row.decode(7, as: PostgresTimestamp.self)))
                }
        }
    }

    public func parkedSummary() async throws(ImageError) -> ParkedSummary {
        try await run("outbox-parked-summary") { connection in
            let row = try connection.query("SELECT count(*), min(parked_at) FROM outbox_parked", prepared: true).rows[0]
            return ParkedSummary(count: try row.decode(0), oldest: try row.decode(1, as: PostgresTimestamp?.self).map(Timestamp.init))
        }
    }

    /// One transaction per record, under its row lock (which every change of the record takes
    /// before it writes an event): the parked events and the record's pending ones leave both
    /// tables and come back in version order, so nothing published later can pass them.
    public func retryParked(_ filter: ParkedFilter) async throws(ImageError) -> Int {
        try await run("outbox-retry") { connection in
            let records = try connection.query("SELECT DISTINCT plant, image_id FROM outbox_parked WHERE \(Self.parkedCondition)",
                                               Self.parameters(filter)).rows
            var moved = 0
            for record in records {
                let key: [PostgresValue] = [record[0], record[1]]
                moved += try connection.transaction { connection throws -> Int in
                    try connection.query("SELECT 1 FROM images WHERE plant = $1 AND id = $2 FOR UPDATE", key)
                    let events = try connection.query("""
                        WITH parked AS (DELETE FROM outbox_parked WHERE plant = $1 AND image_id = $2 RETURNING version, op, envelope),
                             pending AS (DELETE FROM outbox WHERE plant = $1 AND image_id = $2 RETURNING version, op, envelope)
                        SELECT version, op, envelope, true FROM parked UNION ALL SELECT version, op, envelope, false FROM pending
                        ORDER BY 1
                        """, key).rows
                    guard !events.isEmpty else { return 0 }
                    // A multi-row VALUES takes `seq` values in its order: version order.
                    let params = events.flatMap { [key[0], key[1], $0[0], $0[1], $0[2]] }
                    try connection.query("INSERT INTO outbox (plant, image_id, version, op, envelope) VALUES \(Self.placeholders(rows: events.count, width: 5))",
                                         params)
                    return try events.reduce(0) { count, row throws(PostgresError) in count + (try row.decode(3, as: Bool.self) ? 1 : 0) }
                }
            }
            return moved
        }
    }

    public func discardParked(_ filter: ParkedFilter) async throws(ImageError) -> Int {
        try await run("outbox-discard") { connection in
            try connection.query("DELETE FROM outbox_parked WHERE \(Self.parkedCondition)", Self.parameters(filter)).affectedRows
        }
    }

    /// `$1` the plant, `$2` the image id; null matches any.
    private static let parkedCondition = "($1::text IS NULL OR plant = $1) AND ($2::bigint IS NULL OR image_id = $2)"

    private static func parameters(_ filter: ParkedFilter) -> [PostgresValue] {
        [filter.plant.map { .text($0.rawValue) } ?? .null, filter.imageID.map { .int64($0) } ?? .null]
    }
}
