import ImageModel
import Postgres

/// The consumer side of the stream sync: states to plan against, and guarded bulk writes.
extension PostgresImageRepository: ImageReplica {
    /// One prepared SELECT; the ids travel as one parameter, the text form of a `bigint[]`.
    /// The cast sits in a sub-SELECT, which runs once (an InitPlan) whatever the plan: a bare
    /// `$2::bigint[]` was parsed again for every row a plan filtered (~190 ms per 1,000 ids
    /// before the table had statistics), and a literal IN list costs a new plan per batch.
    public func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState] {
        guard !ids.isEmpty else { return [:] }
        return try await run("replica-states") { connection in
            let rows = try connection.query("""
                SELECT id, version, coalesce(updated_at, created_at) FROM images
                WHERE plant = $1 AND id = ANY((SELECT $2::bigint[])::bigint[])
                """, [.text(plant.rawValue), Self.arrayParameter(ids)], prepared: true).rows
            var states: [Int64: ReplicaState] = [:]
            states.reserveCapacity(rows.count)
            for row in rows {
                states[try row.decode(0)] = ReplicaState(version: try row.decode(1),
                                                         lastChangedAt: Timestamp(try row.decode(2, as: PostgresTimestamp.self)))
            }
            return states
        }
    }

    /// One transaction: the purges' DELETE first (rare: one statement each), then one
    /// multi-row upsert per `insertBatchSize` whole records (inserts: `DO NOTHING`, returning
    /// what they inserted) and one UPDATE ... FROM (VALUES ...) for all patches (more only past
    /// `maxParameters`), each guarded by `version <` the write's, and a patch with a `base` by
    /// `version =` it. Returns the rows the guards let through, and the assumed writes they
    /// stopped: a row returned is a write applied, so nothing here is unconfirmed.
    public func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> ReplicaWriteResult {
        guard !writes.isEmpty else { return ReplicaWriteResult() }
        var upserts: [(Plant, Image)] = []
        var inserts: [(Plant, Image)] = []
        var patches: [PatchRow] = []
        var removals: [[PostgresValue]] = []
        for write in writes {
            switch write {
            case .upsert(let plant, let image): upserts.append((plant, image))
            case .insert(let plant, let image): inserts.append((plant, image))
            case .patch(let plant, let id, let version, let patch, let base):
                patches.append(PatchRow(plant: plant, id: id, version: version, patch: patch, base: base))
            case .remove(let plant, let id, let version): removals.append([.text(plant.rawValue), .int64(id), .int64(version)])
            }
        }
        let assumed = Set(inserts.map { RecordKey(plant: $0.0, imageID: $0.1.id) }
            + patches.filter { $0.base != nil }.map { RecordKey(plant: $0.plant, imageID: $0.id) })
        return try await run("replica-write") { [upserts, inserts, patches, removals] connection in
            try connection.transaction { connection -> ReplicaWriteResult in
                var changed = 0
                var applied: Set<RecordKey> = []
                func written(_ result: PostgresResult) throws(PostgresError) {
                    for row in result.rows {
                        let name: String = try row.decode(0)
                        guard let plant = Plant(rawValue: name) else {
                            throw PostgresError(code: .decoding, message: "images row with unknown plant \"\(name)\"")
                        }
                        applied.insert(RecordKey(plant: plant, imageID: try row.decode(1)))
                    }
                    changed += result.rows.count
                }
                for key in removals {
                    changed += try connection.query("DELETE FROM images WHERE plant = $1 AND id = $2 AND version <= $3", key,
                                                    prepared: true).affectedRows
                }
                for batch in Self.batches(of: upserts, size: Self.insertBatchSize) {
                    let (sql, params) = Self.insertStatement(batch, onConflict: Self.upsertConflictClause)
                    changed += try connection.query(sql, params).affectedRows
                }
                for batch in Self.batches(of: inserts, size: Self.insertBatchSize) {
                    let (sql, params) = Self.insertStatement(batch, onConflict: "DO NOTHING RETURNING plant, id")
                    try written(try connection.query(sql, params))
                }
                for batch in Self.batches(of: patches, size: Self.maxParameters / PatchRow.width) {
                    try written(try connection.query(Self.patchStatement(rows: batch.count), batch.flatMap(\.values)))
                }
                return ReplicaWriteResult(changed: changed, unapplied: assumed.subtracting(applied))
            }
        }
    }

    /// An upsert replaces every column, `data` and `version` included, of an older record only.
    static let upsertConflictClause = """
        DO UPDATE SET \(columns.filter { $0.name != "id" }.map { "\($0.name) = EXCLUDED.\($0.name)" }.joined(separator: ", "))
        WHERE images.version < EXCLUDED.version
        """

    /// The UPDATE of `rows` patches, returning the records it changed. A patch's nil means
    /// "unchanged" and no patch can set a column to NULL, so `coalesce(v.col, i.col)` is "the
    /// patch's value if it sets the column, else the stored one". `data` and `created_at` are
    /// never touched.
    static func patchStatement(rows: Int) -> String {
        let set = changeableColumns.map { column in
            column.patched == nil ? "\(column.name) = v.\(column.name)" : "\(column.name) = coalesce(v.\(column.name), i.\(column.name))"
        }
        return """
            UPDATE images AS i SET \(set.joined(separator: ", "))
            FROM (VALUES \(placeholders(rows: rows, width: PatchRow.width, types: PatchRow.types)))
                AS v(plant, id, \(changeableColumns.map(\.name).joined(separator: ", ")), base)
            WHERE i.plant = v.plant AND i.id = v.id AND i.version < v.version AND (v.base IS NULL OR i.version = v.base)
            RETURNING i.plant, i.id
            """
    }

    /// One patch as a row of the UPDATE's VALUES list: the plant, the id, then
    /// `changeableColumns`, NULL where the patch leaves the column as it is, then the `base`.
    struct PatchRow: Sendable {
        static let types = ["text", "bigint"] + changeableColumns.map(\.type) + ["bigint"]
        static let width = types.count

        let plant: Plant
        let id: Int64
        let version: Int64
        let patch: ImagePatch
        let base: Int64?

        var values: [PostgresValue] {
            // `version` is the one changeable column a patch does not carry: the event's version.
            [.text(plant.rawValue), .int64(id)] + changeableColumns.map { $0.patched?(patch) ?? .int64(version) } + [base.map { .int64($0) } ?? .null]
        }
    }
}
