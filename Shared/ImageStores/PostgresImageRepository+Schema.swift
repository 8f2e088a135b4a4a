import ImageModel
import Postgres

extension PostgresImageRepository {
    /// Numbered schema steps; step n is recorded as version n in `schema_migrations`. Each is
    /// idempotent too (IF NOT EXISTS), so a database whose bookkeeping was lost still migrates.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE IF NOT EXISTS images (
                plant text NOT NULL, id bigint NOT NULL, camera_id bigint NOT NULL, data bytea NOT NULL,
                latitude float8 NOT NULL, longitude float8 NOT NULL, disease text, percentage float8,
                created_at timestamp NOT NULL, updated_at timestamp,
                is_active bool NOT NULL DEFAULT false, is_deleted bool NOT NULL DEFAULT false,
                version bigint NOT NULL DEFAULT 1,
                PRIMARY KEY (plant, id))
            """,
            // JPEGs do not compress: store them out of line without trying.
            "ALTER TABLE images ALTER COLUMN data SET STORAGE EXTERNAL",
            // The flags of random and list; (plant, id) order comes from the primary key.
            "CREATE INDEX IF NOT EXISTS images_plant_flags_idx ON images (plant, is_active, (disease IS NOT NULL), is_deleted)",
            "CREATE TABLE IF NOT EXISTS is_deployed (is_deployed bool NOT NULL)",
            // At most one row: an index on a constant admits one entry.
            "CREATE UNIQUE INDEX IF NOT EXISTS is_deployed_single_row ON is_deployed ((true))",
        ],
        [
            // The transactional outbox: change events written with their change, removed once
            // the broker has them. `seq` orders them (per record, in version order: see
            // `enqueue(_:on:)`); the unique key is what the relay removes by.
            """
            CREATE TABLE IF NOT EXISTS outbox (
                seq bigserial PRIMARY KEY, plant text NOT NULL, image_id bigint NOT NULL, version bigint NOT NULL,
                op text NOT NULL, envelope bytea NOT NULL,
                UNIQUE (plant, image_id, version))
            """,
        ],
        [
            // The batch sync: the records changed since its watermark (`+Changes.swift`), and
            // the watermark itself, one row per job, in the consumer DB.
            "CREATE INDEX IF NOT EXISTS images_plant_changed_idx ON images (plant, (coalesce(updated_at, created_at)))",
            "CREATE TABLE IF NOT EXISTS sync_state (job text PRIMARY KEY, watermark timestamp NOT NULL)",
        ],
        [
            // Events the relay can never publish, beside the outbox (`+Parked.swift`); the key
            // also finds a record's parked events, which its later events wait behind.
            """
            CREATE TABLE IF NOT EXISTS outbox_parked (
                plant text NOT NULL, image_id bigint NOT NULL, version bigint NOT NULL, op text NOT NULL,
                envelope bytea NOT NULL, reason text NOT NULL, attempts int NOT NULL, parked_at timestamp NOT NULL,
                PRIMARY KEY (plant, image_id, version))
            """,
        ],
        [
            // Consumer side: updates that came before their record (`+Waiting.swift`). The key
            // finds a record's waiting changes when it arrives; the index the expired ones.
            """
            CREATE TABLE IF NOT EXISTS replica_waiting (
                plant text NOT NULL, image_id bigint NOT NULL, version bigint NOT NULL,
                topic text NOT NULL, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
                message_key bytea, message bytea NOT NULL, waiting_since timestamp NOT NULL,
                PRIMARY KEY (plant, image_id, version))
            """,
            "CREATE INDEX IF NOT EXISTS replica_waiting_since_idx ON replica_waiting (waiting_since)",
        ],
        [
            // Which relay publishes a record's events now (`+Outbox.swift`): one row per
            // claimed record, until its lease ends or the relay releases it.
            """
            CREATE TABLE IF NOT EXISTS outbox_claims (
                plant text NOT NULL, image_id bigint NOT NULL, owner text NOT NULL, until timestamptz NOT NULL,
                PRIMARY KEY (plant, image_id))
            """,
            "CREATE INDEX IF NOT EXISTS outbox_claims_owner_idx ON outbox_claims (owner)",
        ],
        [
            // The batch sync's order of changes (`+Changes.swift`): the transaction that last
            // changed each row, set by the database whoever writes (image-api, a script, an
            // operator's psql), so no writer's clock or commit delay can hide a change.
            "ALTER TABLE images ADD COLUMN IF NOT EXISTS changed_by xid8",
            """
            CREATE OR REPLACE FUNCTION images_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.changed_by := pg_current_xact_id(); RETURN NEW; END $$
            """,
            "DROP TRIGGER IF EXISTS images_stamp_change ON images",
            "CREATE TRIGGER images_stamp_change BEFORE INSERT OR UPDATE ON images FOR EACH ROW EXECUTE FUNCTION images_stamp_change()",
            "CREATE INDEX IF NOT EXISTS images_plant_changed_by_idx ON images (plant, changed_by)",
            "DROP INDEX IF EXISTS images_plant_changed_idx",
            // The watermark is the snapshot a run started from; the old time column stays
            // readable for a db-synchronizer of an earlier release, no longer required.
            "ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS horizon_kind text, ADD COLUMN IF NOT EXISTS horizon text",
            "ALTER TABLE sync_state ALTER COLUMN watermark DROP NOT NULL",
        ],
        [
            // Consumer side: the progress of a bootstrap (`+Bootstrap.swift`), one row per
            // consumer group.
            "CREATE TABLE IF NOT EXISTS bootstrap_state (group_id text PRIMARY KEY, state text NOT NULL)",
        ],
    ]

    /// Applies the steps not yet recorded, in one transaction under an advisory lock, so
    /// instances starting together migrate one after the other and the later finds nothing to do.
    public func migrate() async throws(ImageError) {
        let applied = try await run("migrate") { connection in
            try connection.transaction { connection -> [Int] in
                try connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(Self.migrationLockKey)])
                try connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY)")
                let current = try connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations").scalar(Int.self)
                var applied: [Int] = []
                for (index, statements) in Self.migrations.enumerated() where index + 1 > current {
                    for statement in statements { try connection.query(statement) }
                    try connection.query("INSERT INTO schema_migrations (version) VALUES ($1)", [.int64(Int64(index + 1))])
                    applied.append(index + 1)
                }
                return applied
            }
        }
        if applied.isEmpty {
            logger.debug("PostgreSQL schema is up to date", metadata: ["db.schema.version": "\(Self.migrations.count)"])
        } else {
            logger.info("Migrated PostgreSQL schema", metadata: [
                "db.schema.version": "\(Self.migrations.count)",
                "db.schema.applied": "\(applied.map(String.init).joined(separator: ","))",
            ])
        }
    }

    /// Keys of `pg_advisory_xact_lock`, one 64-bit space per database shared with anything else
    /// using advisory locks: "LeafSync" in ASCII for migrations, "LeafId" plus the plant's
    /// position for id allocation.
    static let migrationLockKey: Int64 = 0x4C65_6166_5379_6E63

    static func idLockKey(_ plant: Plant) -> Int64 {
        0x4C65_6166_4964_0000 + Int64(Plant.allCases.firstIndex(of: plant)!)
    }
}
