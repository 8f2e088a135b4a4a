import ImageModel
import Postgres

extension PostgresImageRepository {
    /// Rows per INSERT of whole records (seeding, replica upserts): ~3 MB of 30 KB JPEGs per
    /// statement, far below `maxParameters`.
    static let insertBatchSize = 100

    /// The most parameters one statement takes: the protocol counts them in an Int16.
    static let maxParameters = 65_535

    /// Allocates the next id under a per-plant advisory lock held until COMMIT, so concurrent
    /// creates (also from other instances) get consecutive ids without gaps or duplicates.
    /// Without `data`, copies the data of a uniformly chosen record of the plant, server-side.
    /// With `writesChangeEvents`, the create event goes to the outbox in the same transaction.
    public func create(plant: Plant, _ new: NewImage, at time: Timestamp) async throws(ImageError) -> Image {
        let eventSchema = writesChangeEvents ? eventSchemaVersion : nil
        return try await run("create") { connection in
            try connection.transaction { connection in
                try connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(Self.idLockKey(plant))], prepared: true)
                // A statement of its own, after the lock: its snapshot sees every committed create.
                let id = try connection.query("SELECT coalesce(max(id), 0) + 1 FROM images WHERE plant = $1",
                                              [.text(plant.rawValue)], prepared: true).scalar(Int64.self)
                let columns = "plant, id, camera_id, latitude, longitude, created_at, updated_at, data"
                var params: [PostgresValue] = [
                    .text(plant.rawValue), .int64(id), .int64(new.cameraID),
                    .double(new.gpsCoordinates.latitude), .double(new.gpsCoordinates.longitude),
                    .timestamp(PostgresTimestamp(time)), .timestamp(PostgresTimestamp(time)),
                ]
                let rows: [PostgresRow]
                if let data = new.data {
                    params.append(.bytea(data))
                    rows = try connection.query("""
                        INSERT INTO images (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        RETURNING \(Self.imageColumns)
                        """, params, prepared: true).rows
                } else {
                    rows = try connection.query("""
                        INSERT INTO images (\(columns))
                        SELECT $1, $2, $3, $4, $5, $6, $7, data FROM images WHERE plant = $1 ORDER BY id
                        OFFSET floor(random() * (SELECT count(*) FROM images WHERE plant = $1)) LIMIT 1
                        RETURNING \(Self.imageColumns)
                        """, params, prepared: true).rows
                }
                guard let row = rows.first else {
                    throw ImageError(code: .conflict, message: "No \(plant.rawValue) image to copy data from: create one with \"data\" first")
                }
                let image = try Image(postgresRow: row)
                if let eventSchema {
                    // The last statement before COMMIT, so `occurredAt` is taken just before it.
                    try Self.enqueue(ChangeEvent(created: image, plant: plant, occurredAt: Timestamp.currentMicroseconds()),
                                     schemaVersion: eventSchema, on: connection)
                }
                return image
            }
        }
    }

    public func update(plant: Plant, _ update: ImageUpdate, at time: Timestamp) async throws(ImageError) -> Image? {
        try await modify(plant: plant, id: update.id, operation: "update") { $0.applying(update, at: time) }
    }

    public func softDelete(plant: Plant, id: Int64, at time: Timestamp) async throws(ImageError) -> Image? {
        try await modify(plant: plant, id: id, operation: "delete") { $0.softDeleted(at: time) }
    }

    /// Locks the record (`FOR UPDATE`), applies the domain's `change`, and writes back only
    /// when a field changed; concurrent changes of one record thus serialize and each bumps
    /// the version once. `data` never changes here, so it is not rewritten. With
    /// `writesChangeEvents`, a change that changed something puts its event in the outbox in
    /// the same transaction.
    private func modify(plant: Plant, id: Int64, operation: String,
                        _ change: @escaping @Sendable (Image) -> (image: Image, changed: [ImageField])) async throws(ImageError) -> Image? {
        let eventSchema = writesChangeEvents ? eventSchemaVersion : nil
        return try await run(operation) { connection in
            try connection.transaction { connection -> Image? in
                let key: [PostgresValue] = [.text(plant.rawValue), .int64(id)]
                guard let row = try connection.query("""
                    SELECT \(Self.imageColumns) FROM images WHERE plant = $1 AND id = $2 FOR UPDATE
                    """, key, prepared: true).rows.first else { return nil }
                let (image, changed) = change(try Image(postgresRow: row))
                guard !changed.isEmpty else { return image }
                try connection.query(Self.updateStatement, key + Self.changeableColumns.map { $0.value(image) }, prepared: true)
                if let eventSchema {
                    // The last statement before COMMIT, so `occurredAt` is taken just before it.
                    try Self.enqueue(ChangeEvent(changed: changed, of: image, plant: plant,
                                                 occurredAt: Timestamp.currentMicroseconds()), schemaVersion: eventSchema, on: connection)
                }
                return image
            }
        }
    }

    /// Writes back every column a change may alter (`changeableColumns`, from `$3`) of the
    /// record `$1`/`$2`; `data` never changes, so it is not rewritten.
    static let updateStatement = """
        UPDATE images SET \(changeableColumns.enumerated().map { "\($1.name) = $\($0 + 3)" }.joined(separator: ", "))
        WHERE plant = $1 AND id = $2
        """

    /// Multi-row INSERTs of `insertBatchSize` rows in one transaction; rows whose
    /// `(plant, id)` exists are skipped (`ON CONFLICT DO NOTHING`).
    public func insert(plant: Plant, _ images: [Image]) async throws(ImageError) {
        guard !images.isEmpty else { return }
        try await run("insert") { connection in
            try connection.transaction { connection in
                for batch in Self.batches(of: images.map { (plant, $0) }, size: Self.insertBatchSize) {
                    let (sql, params) = Self.insertStatement(batch, onConflict: "DO NOTHING")
                    try connection.query(sql, params)
                }
            }
        }
    }

    /// One multi-row INSERT of whole records: `plant` and every column of `imageColumns`, then
    /// `ON CONFLICT (plant, id)` and `onConflict`.
    static func insertStatement(_ records: some Collection<(Plant, Image)>, onConflict: String) -> (sql: String, params: [PostgresValue]) {
        let width = 1 + columns.count
        var params: [PostgresValue] = []
        params.reserveCapacity(records.count * width)
        for (plant, image) in records {
            params.append(.text(plant.rawValue))
            params += values(of: image)
        }
        let sql = """
            INSERT INTO images (plant, \(imageColumns)) VALUES \(placeholders(rows: records.count, width: width))
            ON CONFLICT (plant, id) \(onConflict)
            """
        return (sql, params)
    }

    /// `rows` tuples of `width` placeholders numbered on from `$1`: `($1, $2), ($3, $4)`.
    /// - Parameter types: casts of the first tuple's placeholders. Parameters that are NULL
    ///   are sent without a type, so a VALUES list in a FROM clause needs them to type its
    ///   columns; the later rows' cells take the types of the first.
    static func placeholders(rows: Int, width: Int, types: [String]? = nil) -> String {
        var sql = ""
        sql.reserveCapacity(rows * width * 8)
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for column in 0..<width {
                if column > 0 { sql += ", " }
                sql += "$\(row * width + column + 1)"
                if row == 0, let types { sql += "::" + types[column] }
            }
            sql += ")"
        }
        return sql
    }

    /// `items` cut into runs of at most `size`, in order.
    /// The text form of a PostgreSQL array of `values` (numbers, or plant names: nothing to
    /// quote), passed as one parameter and cast in the statement (`$2::bigint[]`).
    static func arrayParameter(_ values: some Sequence<some CustomStringConvertible>) -> PostgresValue {
        .text("{" + values.map(\.description).joined(separator: ",") + "}")
    }

    static func batches<T>(of items: [T], size: Int) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }
}
