import ImageModel
import Postgres

/// Waiting changes: `replica_waiting`, updates that reached the consumer before their record.
extension PostgresImageRepository: WaitingChanges {
    private static let waitingColumns = "plant, image_id, version, topic, kafka_partition, kafka_offset, message_key, message, waiting_since"
    private static let waitingWidth = 9

    /// A redelivered change hits the key and keeps its first `waiting_since`.
    public func park(waiting changes: [WaitingChange]) async throws(ImageError) {
        guard !changes.isEmpty else { return }
        try await run("waiting-park") { connection in
            for batch in Self.batches(of: changes, size: Self.maxParameters / Self.waitingWidth) {
                let params: [PostgresValue] = batch.flatMap { change -> [PostgresValue] in
                    [.text(change.plant.rawValue), .int64(change.imageID), .int64(change.version), .text(change.topic),
                     .int64(Int64(change.partition)), .int64(change.offset), .optional(change.key, PostgresValue.bytea),
                     .bytea(change.message), .timestamp(PostgresTimestamp(change.waitingSince))]
                }
                try connection.query("""
                    INSERT INTO replica_waiting (\(Self.waitingColumns))
                    VALUES \(Self.placeholders(rows: batch.count, width: Self.waitingWidth)) ON CONFLICT DO NOTHING
                    """, params)
            }
        }
    }

    /// The records travel as two parameters, the text forms of a `text[]` of plants and a
    /// `bigint[]` of ids, paired by `unnest`.
    public func waitingChanges(of records: [RecordKey]) async throws(ImageError) -> [WaitingChange] {
        guard !records.isEmpty else { return [] }
        let params = [Self.arrayParameter(records.map(\.plant.rawValue)), Self.arrayParameter(records.map(\.imageID))]
        return try await run("waiting-of-records") { connection in
            try connection.query("""
                SELECT \(Self.waitingColumns) FROM replica_waiting
                WHERE (plant, image_id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))
                """, params, prepared: true).rows.map(Self.waitingChange)
        }
    }

    public func waitingChanges(before: Timestamp, limit: Int) async throws(ImageError) -> [WaitingChange] {
        try await run("waiting-expired") { connection in
            try connection.query("""
                SELECT \(Self.waitingColumns) FROM replica_waiting WHERE waiting_since < $1 ORDER BY waiting_since LIMIT $2
                """, [.timestamp(PostgresTimestamp(before)), .int64(Int64(max(limit, 0)))]).rows.map(Self.waitingChange)
        }
    }

    public func removeWaiting(_ keys: [WaitingKey]) async throws(ImageError) {
        guard !keys.isEmpty else { return }
        try await run("waiting-remove") { connection in
            for batch in Self.batches(of: keys, size: Self.maxParameters / 3) {
                try connection.query("""
                    DELETE FROM replica_waiting WHERE (plant, image_id, version) IN (VALUES \(Self.placeholders(rows: batch.count, width: 3)))
                    """, batch.flatMap { [.text($0.plant.rawValue), .int64($0.imageID), .int64($0.version)] })
            }
        }
    }

    public func waitingSummary() async throws(ImageError) -> ParkedSummary {
        try await run("waiting-summary") { connection in
            let row = try connection.query("SELECT count(*), min(waiting_since) FROM replica_waiting", prepared: true).rows[0]
            return ParkedSummary(count: try row.decode(0), oldest: try row.decode(1, as: PostgresTimestamp?.self).map(Timestamp.init))
        }
    }

    private static func waitingChange(_ row: PostgresRow) throws(PostgresError) -> WaitingChange {
        let plantName: String = try row.decode(0)
        guard let plant = Plant(rawValue: plantName) else { throw PostgresError(code: .decoding, message: "replica_waiting row with unknown plant \"\(plantName)\"") }
        return WaitingChange(plant: plant, imageID: try row.decode(1), version: try row.decode(2), topic: try row.decode(3),
                             partition: Int32(clamping: try row.decode(4, as: Int64.self)), offset: try row.decode(5),
                             key: try row.decode(6), message: try row.decode(7),
                             waitingSince: Timestamp(try row.decode(8, as: PostgresTimestamp.self)))
    }
}
