import ImageModel
import Postgres

/// The bootstrap's progress in the consumer DB: the `bootstrap_state` table of schema step 8.
extension PostgresImageRepository: BootstrapStateStore {
    public func bootstrapState(group: String) async throws(ImageError) -> String? {
        try await run("bootstrap-state") { connection in
            try connection.query("SELECT state FROM bootstrap_state WHERE group_id = $1", [.text(group)]).rows.first?.decode(0, as: String.self)
        }
    }

    public func setBootstrapState(_ state: String, group: String) async throws(ImageError) {
        try await run("set-bootstrap-state") { connection in
            try connection.query("""
                INSERT INTO bootstrap_state (group_id, state) VALUES ($1, $2)
                ON CONFLICT (group_id) DO UPDATE SET state = EXCLUDED.state
                """, [.text(group), .text(state)])
        }
    }
}
