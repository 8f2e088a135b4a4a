import ImageModel
import Mongo

/// The bootstrap's progress in the consumer DB: the `bootstrap_state` collection, one document
/// `{group, state}` per consumer group (`group` unique).
extension MongoImageRepository: BootstrapStateStore {
    static let bootstrapCollection = "bootstrap_state"

    public func bootstrapState(group: String) async throws(ImageError) -> String? {
        let database = self.database
        return try await run("bootstrap-state") { client in
            guard case .string(let state)? = try client.collection(Self.bootstrapCollection, database: database)
                .findOne(["group": .string(group)])?["state"] else { return nil }
            return state
        }
    }

    public func setBootstrapState(_ state: String, group: String) async throws(ImageError) {
        let database = self.database
        try await run("set-bootstrap-state") { client in
            _ = try client.collection(Self.bootstrapCollection, database: database)
                .updateOne(["group": .string(group)], ["$set": .document(["state": .string(state)])], upsert: true)
        }
    }
}
