import ImageModel
import Mongo

// The consumer side of the stream sync: every write is guarded by the stored `version`, so a
// replay or redelivery changes nothing, and a batch costs one bulk write per plant.
extension MongoImageRepository: ImageReplica {
    private static let stateProjection: BSONDocument = [
        "_id": .int32(0), "id": .int32(1), "version": .int32(1), "created_at": .int32(1), "updated_at": .int32(1),
    ]

    /// One find with `$in`, reading only what ordering needs.
    public func replicaStates(plant: Plant, ids: [Int64]) async throws(ImageError) -> [Int64: ReplicaState] {
        guard !ids.isEmpty else { return [:] }
        let database = self.database
        return try await run("replica-states") { client in
            let documents = try client.images(of: plant, in: database).find(
                ["id": .document(["$in": .array(ids.map { .int64($0) })])],
                options: MongoFindOptions(projection: Self.stateProjection))
            var states: [Int64: ReplicaState] = [:]
            for document in documents {
                let lastChangedAt = try document.optionalTimestamp("updated_at") ?? document.timestamp("created_at")
                states[try document.int64("id")] = ReplicaState(version: try document.imageVersion(), lastChangedAt: lastChangedAt)
            }
            return states
        }
    }

    /// Writes go to the server one after the other on their own Dispatch lane
    /// (`replicaWrites`), in the order they were handed over.
    public var queuesWrites: Bool { true }

    /// A purge's removal first (rare: one `deleteMany` each), then one unordered bulk write per
    /// plant. A whole record is inserted, which costs the server less than an upsert (which
    /// must look the record up first) and is right for the common case, a create; patches are
    /// guarded updates. An `upsert`'s duplicate key means the collection holds the record
    /// (a redelivery, a repair, the batch sync's copy of a changed record, or another writer
    /// since): the insert is tried once more as a guarded update, which replaces it only if it
    /// is older; on that guarded upsert, a second duplicate key is a guard that failed for good
    /// (the record exists, and records are never removed). An `insert`'s duplicate key is its
    /// assumption failing: unapplied. A bulk reports only how many updates matched, so when
    /// fewer matched than were sent, its patches with a `base` are unconfirmed. Any other
    /// rejection throws.
    @discardableResult
    public func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> ReplicaWriteResult {
        guard !writes.isEmpty else { return ReplicaWriteResult() }
        let database = self.database
        // Encoded before the write is queued, so while the write before it runs.
        let plants: [PlantWrites]
        do {
            plants = try Dictionary(grouping: writes, by: \.plant).map { plant, writes throws(MongoError) in try PlantWrites(plant, writes) }
        } catch {
            throw Self.imageError(error, operation: "replica-write")
        }
        return try await run("replica-write", queuedOn: replicaWrites) { client in
            var result = ReplicaWriteResult()
            var changed: Int64 = 0
            for plant in plants {
                let images = client.images(of: plant.plant, in: database)
                for case .remove(_, let id, let version) in plant.writes {
                    changed += try images.deleteMany(["id": .int64(id), "version": .document(Self.atMost(version))])
                }
                guard plant.bulk.count > 0 else { continue }
                let first = try images.execute(plant.bulk).throwWriteErrors(except: \.isDuplicateKey)
                changed += first.insertedCount + first.modifiedCount + first.upsertedCount
                if first.matchedCount < plant.updates {
                    let assumed = plant.written.compactMap { write -> RecordKey? in
                        guard case .patch(_, _, _, _, .some) = write else { return nil }
                        return RecordKey(write)
                    }
                    if first.matchedCount == 0 { result.unapplied.formUnion(assumed) } else { result.unconfirmed.formUnion(assumed) }
                }
                var held: [MongoUpdateOperation] = []
                for error in first.writeErrors where plant.written.indices.contains(error.index) {
                    let write = plant.written[error.index]
                    if case .insert = write { result.unapplied.insert(RecordKey(write)) } else if let update = Self.guardedUpdate(write) { held.append(update) }
                }
                guard !held.isEmpty else { continue }
                let second = try images.bulkWrite(held, ordered: false).throwWriteErrors(except: \.isDuplicateKey)
                changed += second.modifiedCount + second.upsertedCount
            }
            result.changed = Int(changed)
            return result
        }
    }

    /// One plant's share of a replica write: its removals, and its other writes encoded as one
    /// unordered bulk, whose operations are `written`, in order.
    private struct PlantWrites: Sendable {
        let plant: Plant
        let writes: [ReplicaWrite]
        let written: [ReplicaWrite]
        /// How many of `written` are updates.
        let updates: Int64
        let bulk: MongoBulkWrite

        init(_ plant: Plant, _ writes: [ReplicaWrite]) throws(MongoError) {
            self.plant = plant
            self.writes = writes
            written = writes.filter { if case .remove = $0 { false } else { true } }
            updates = Int64(written.count { if case .patch = $0 { true } else { false } })
            // Each document is encoded as the bulk takes it, and let go once copied.
            bulk = try MongoBulkWrite(written.lazy.map { write in
                switch write {
                case .upsert(_, let image), .insert(_, let image): .insert(image.mongoDocument)
                case .patch(_, let id, let version, let patch, let base): .update(MongoImageRepository.patchUpdate(id, version, patch, base))
                case .remove: preconditionFailure("removals are not in the bulk")
                }
            }, ordered: false)
        }
    }

    /// The update of an upsert or a patch; nil for a removal or an insert, which is not retried.
    private static func guardedUpdate(_ write: ReplicaWrite) -> MongoUpdateOperation? {
        switch write {
        case .remove, .insert:
            nil
        case .upsert(_, let image):
            MongoUpdateOperation(filter: olderThan(image.version, id: image.id),
                                 update: ["$set": .document(image.mongoDocument)], upsert: true)
        case .patch(_, let id, let version, let patch, let base):
            patchUpdate(id, version, patch, base)
        }
    }

    /// A patch: its fields set on record `id` at `base`, or below `version` without one.
    private static func patchUpdate(_ id: Int64, _ version: Int64, _ patch: ImagePatch, _ base: Int64?) -> MongoUpdateOperation {
        MongoUpdateOperation(filter: base.map { at($0, id: id) } ?? olderThan(version, id: id),
                             update: ["$set": .document(BSONDocument(patch.mongoFields + [("version", .int64(version))]))])
    }

    /// A version at most `version`; a LIMS document without one counts as version 1.
    private static func atMost(_ version: Int64) -> BSONDocument {
        version >= 1 ? ["$not": .document(["$gt": .int64(version)])] : ["$lte": .int64(version)]
    }

    /// Record `id` at exactly `version`; a LIMS document without one is at version 1.
    private static func at(_ version: Int64, id: Int64) -> BSONDocument {
        ["id": .int64(id), "version": version == 1 ? .document(["$in": .array([.int64(1), .null])]) : .int64(version)]
    }

    /// Record `id` if its version is below `version`. A LIMS document without `version` counts
    /// as version 1: `$not: {$gte}` also matches a missing field, so it is used from version 2 on.
    private static func olderThan(_ version: Int64, id: Int64) -> BSONDocument {
        let condition: BSONDocument = version > 1 ? ["$not": .document(["$gte": .int64(version)])] : ["$lt": .int64(version)]
        return ["id": .int64(id), "version": .document(condition)]
    }
}

extension ImagePatch {
    /// The `$set` of the fields this patch sets, `updated_at` among them.
    var mongoFields: [(String, BSONValue)] { fields.map { ($0.rawValue, values[$0]!.mongoValue) } }
}
