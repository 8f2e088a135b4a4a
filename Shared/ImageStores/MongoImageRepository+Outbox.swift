import ImageModel
import Mongo

// The MongoDB outbox lives in each record's own document, because the server updates one
// document atomically but has no transactions: the insert or compare-and-set that makes a
// change also appends its event, so either both are stored or neither.
//
// - `outbox`: `[{version, op, envelope}]`, the pending events of the record in version order
//   (each is appended by the compare-and-set that made its version); `envelope` is binary.
// - `outbox_since`: the `occurred_at` (µs) of the first event added since the outbox was last
//   empty. It exists while events wait (`$min` on append, `$unset` with the emptied array,
//   one update after the `$pull`), so its sparse index finds pending records, oldest first,
//   without a scan.
extension MongoImageRepository {
    enum Outbox {
        static let entries = "outbox"
        static let since = "outbox_since"
        /// The relay that holds the record's events now, and until when (ms): see `pendingChanges`.
        static let owner = "outbox_owner"
        static let until = "outbox_until"
        /// Leaves the outbox out of every read of records: it is never returned nor transferred.
        static let hidden: BSONDocument = [entries: .int32(0), since: .int32(0), owner: .int32(0), until: .int32(0)]

        /// Claims for `claimant` the `limit` oldest pending records (across plants) that no other
        /// claimant holds; returns the ids it claimed, by plant. Each record's claim is an atomic
        /// update that checks it is still claimable, so of two relays racing for one, one wins.
        static func claim(limit: Int, for claimant: OutboxClaimant, client: MongoClient, database: String) throws(MongoError) -> [Plant: [Int64]] {
            let now = Timestamp.now().millisecondsSinceEpoch
            let claimable = claimable(by: claimant, now: now)
            var candidates: [(plant: Plant, id: Int64, since: Int64)] = []
            for plant in Plant.allCases {
                let found = try client.images(of: plant, in: database).find(
                    BSONDocument(pendingFields + claimable),
                    options: MongoFindOptions(sort: [since: .int32(1)], limit: Int64(limit), projection: ["_id": .int32(0), "id": .int32(1), since: .int32(1)]))
                for document in found { candidates.append((plant, try document.int64("id"), try document.int64(since))) }
            }
            let chosen = Dictionary(grouping: candidates.sorted { $0.since < $1.since }.prefix(limit), by: \.plant).mapValues { $0.map(\.id) }
            for (plant, ids) in chosen {
                try client.images(of: plant, in: database).updateMany(
                    BSONDocument([("id", .document(["$in": .array(ids.map { .int64($0) })]))] + claimable),
                    ["$set": .document([owner: .string(claimant.id), until: .int64(now + claimant.leaseMilliseconds)])])
            }
            return chosen
        }

        /// The records `claimant` may claim at `now` (ms): unclaimed, its own, or their lease ended.
        static func claimable(by claimant: OutboxClaimant, now: Int64) -> [(String, BSONValue)] {
            [("$or", .array([
                .document([owner: .document(["$exists": .bool(false)])]),
                .document([owner: .string(claimant.id)]),
                .document([until: .document(["$lte": .int64(now)])]),
            ]))]
        }
        /// Records with events waiting; a leftover empty `outbox` (see `removePublished`) does
        /// not count.
        static let pending = BSONDocument(pendingFields)
        static let pendingFields: [(String, BSONValue)] = [(since, .document(["$exists": .bool(true)])),
                                                           ("\(entries).0", .document(["$exists": .bool(true)]))]

        /// Creates the sparse indexes on `outbox_since`, `outbox_parked_since` and `outbox_owner`
        /// (a relay releases its claims by it) of `plant`'s collection unless they exist. (`MongoCollection.createIndex` makes no sparse index,
        /// hence the command.)
        static func createIndex(of plant: Plant, client: MongoClient, database: String) throws(MongoError) {
            let indexes: [BSONValue] = [since, Parked.since, owner].map { field in
                .document(["key": .document([field: .int32(1)]), "name": .string(field + "_1"), "sparse": .bool(true)])
            }
            _ = try client.runCommand(["createIndexes": .string(plant.collectionName), "indexes": .array(indexes)], database: database)
        }

        /// The fields that start a new record's outbox with `event`.
        static func insertFields(_ event: ChangeEvent, schemaVersion: Int64) -> [(String, BSONValue)] {
            [(entries, .array([entry(OutboxEntry(event, schemaVersion: schemaVersion))])), (since, .int64(event.occurredAt))]
        }

        /// Unsets the outbox of record `id` if it is empty: a separate update after a `$pull`,
        /// so a change appended in between keeps its record pending (`$size: 0` no longer matches).
        static func cleanup(_ id: Int64) -> MongoUpdateOperation {
            MongoUpdateOperation(filter: ["id": .int64(id), entries: .document(["$size": .int32(0)])],
                                 update: ["$unset": .document([entries: .string(""), since: .string("")])])
        }

        /// The update operators that append `event` to a record's outbox.
        static func appendOperators(_ event: ChangeEvent, schemaVersion: Int64) -> [(String, BSONValue)] {
            [("$push", .document([entries: entry(OutboxEntry(event, schemaVersion: schemaVersion))])),
             ("$min", .document([since: .int64(event.occurredAt)]))]
        }

        static func entry(_ entry: OutboxEntry, extra: [(String, BSONValue)] = []) -> BSONValue {
            .document(BSONDocument([("version", .int64(entry.version)), ("op", .string(entry.op.rawValue)),
                                    ("envelope", .binary(entry.envelope))] + extra))
        }

        /// The entries of array `field` (`outbox` or `outbox_parked`) of a document, in
        /// version order, each with the document of its entry.
        static func decode(_ document: BSONDocument, plant: Plant, field: String = entries) throws(MongoError) -> [(OutboxEntry, BSONDocument)] {
            let imageID = try document.int64("id")
            let isBehindParked = document[Parked.since] != nil
            var found: [(OutboxEntry, BSONDocument)] = []
            for value in try document.array(field) {
                guard case .document(let entry) = value, let op = ChangeOperation(rawValue: try entry.string("op")) else {
                    throw MongoError(code: .unexpectedDocument, message: "\(plant.collectionName) image \(imageID): malformed \(field) entry")
                }
                found.append((OutboxEntry(plant: plant, imageID: imageID, version: try entry.int64("version"), op: op,
                                          envelope: try entry.binary("envelope"), isBehindParked: isBehindParked), entry))
            }
            return found.sorted { $0.0.version < $1.0.version }
        }
    }
}

extension MongoImageRepository: ChangeOutbox {
    /// Reads up to `limit` pending records of each plant and purges (`outbox_purges`), oldest
    /// outbox first, and returns their events in that order, each record's in version order.
    /// Per plant, the records in `outbox_since` order until the page or the byte budget is
    /// full (so at most one server batch past it is read), then merged by that order and cut.
    ///
    /// A claimant first claims the oldest pending records no other claimant holds: one
    /// `updateMany` sets `outbox_owner` and `outbox_until` (ms) on those whose claim is absent,
    /// its own or ended, which the server does atomically per document, so of two relays racing
    /// for a record one wins; then it reads the records it holds. (Leases run on the relays'
    /// clocks: a replica whose clock is far ahead takes over records early, which duplicates
    /// events but never loses any.)
    public func pendingChanges(limit: Int, maxBytes: Int, claimant: OutboxClaimant?) async throws(ImageError) -> [OutboxEntry] {
        guard limit > 0 else { return [] }
        let database = self.database
        return try await run("outbox-pending") { client in
            let options = MongoFindOptions(sort: [Outbox.since: .int32(1)], limit: Int64(limit),
                                           projection: ["_id": .int32(0), "id": .int32(1), Outbox.entries: .int32(1), Outbox.since: .int32(1),
                                                        Parked.since: .int32(1)])
            let claimed = try claimant.map { claimant throws(MongoError) in try Outbox.claim(limit: limit, for: claimant, client: client, database: database) }
            var records: [(since: Int64, entries: [OutboxEntry])] = []
            for plant in Plant.allCases {
                let images = client.images(of: plant, in: database)
                var filter = Outbox.pending
                if let claimant, let claimed {
                    guard let ids = claimed[plant] else { continue }
                    filter = BSONDocument([("id", .document(["$in": .array(ids.map { .int64($0) })])), (Outbox.owner, .string(claimant.id))]
                                          + Outbox.pendingFields)
                }
                var bytes = 0
                let documents = try images.find(filter, options: options) { document in
                    bytes += document.byteCount
                    return bytes < maxBytes
                }
                for document in documents {
                    records.append((try document.int64(Outbox.since), try Outbox.decode(document, plant: plant).map(\.0)))
                }
            }
            records += try Purges.pending(limit: limit, client: client, database: database).map { ($0.since, [$0.entry]) }
            var (page, bytes) = ([OutboxEntry](), 0)
            for entry in records.sorted(by: { $0.since < $1.since }).flatMap(\.entries) where page.count < limit && (page.isEmpty || bytes < maxBytes) {
                page.append(entry)
                bytes += entry.envelope.count
            }
            return page
        }
    }

    public func releaseClaims(of claimant: OutboxClaimant) async throws(ImageError) {
        let database = self.database
        try await run("outbox-release") { client in
            for plant in Plant.allCases {
                _ = try client.images(of: plant, in: database).updateMany(
                    [Outbox.owner: .string(claimant.id)], ["$unset": .document([Outbox.owner: .string(""), Outbox.until: .string("")])])
            }
        }
    }

    /// Per plant one ordered bulk: first `$pull` each record's published versions, then unset
    /// the outbox of each record left empty. The second step is a separate update, so a change
    /// appended in between keeps its record pending (the `$size: 0` filter no longer matches).
    public func removePublished(_ entries: [OutboxEntry]) async throws(ImageError) {
        guard !entries.isEmpty else { return }
        var grouped: [Plant: [Int64: [Int64]]] = [:]
        for entry in entries where entry.op != .purge { grouped[entry.plant, default: [:]][entry.imageID, default: []].append(entry.version) }
        let (database, versions, purges) = (self.database, grouped, entries.filter { $0.op == .purge })
        try await run("outbox-remove") { client in
            try Purges.remove(purges, client: client, database: database)
            for (plant, byID) in versions {
                let pulls = byID.map { id, versions in
                    MongoUpdateOperation(filter: ["id": .int64(id)], update: ["$pull": .document([
                        Outbox.entries: .document(["version": .document(["$in": .array(versions.map { .int64($0) })])]),
                    ])])
                }
                try client.images(of: plant, in: database).bulkWrite(pulls + byID.keys.map(Outbox.cleanup)).throwWriteErrors()
            }
        }
    }

    /// Sums the outbox sizes of the pending records of every plant on the server, and the purges.
    public func pendingChangeCount() async throws(ImageError) -> Int64 {
        let database = self.database
        return try await run("outbox-count") { client in
            var count = try Purges.count(client: client, database: database)
            for plant in Plant.allCases {
                let reply = try client.runCommand([
                    "aggregate": .string(plant.collectionName),
                    "pipeline": .array([
                        .document(["$match": .document(Outbox.pending)]),
                        .document(["$group": .document(["_id": .null, "n": .document(["$sum": .document(["$size": .string("$\(Outbox.entries)")])])])]),
                    ]),
                    "cursor": .document(BSONDocument()),
                ], database: database)
                // One group, or none when nothing is pending.
                if case .document(let group)? = try reply.document("cursor").array("firstBatch").first {
                    count += try group.int64("n")
                }
            }
            return count
        }
    }
}

extension MongoBulkWriteResult {
    /// Throws the first rejected operation, unless `isExpected` accepts every rejection. The
    /// error carries only the unexpected rejections: an expected one (a stale upsert's duplicate
    /// key) beside a refused write would make the refusal look like a failure.
    @discardableResult
    func throwWriteErrors(except isExpected: (MongoWriteError) -> Bool = { _ in false }) throws(MongoError) -> MongoBulkWriteResult {
        let unexpected = writeErrors.filter { !isExpected($0) }
        if let error = unexpected.first {
            throw MongoError(code: .serverError, nativeCode: UInt32(bitPattern: error.code),
                             message: "bulk operation \(error.index) rejected: \(error.message)", writeErrors: unexpected)
        }
        return self
    }
}
