import ImageModel
import Mongo

// Parked events live in the record's own document, like its outbox, so parking is one atomic
// single-document update that moves them between the two arrays:
// - `outbox_parked`: `[{version, op, envelope, reason, attempts, parked_at}]` (`parked_at` in µs);
// - `outbox_parked_since`: when the first of them was parked (µs). It exists exactly while
//   some are parked: its sparse index finds them, and the relay's read of the outbox marks a
//   record's pending events as waiting behind them.
extension MongoImageRepository {
    enum Parked {
        static let entries = "outbox_parked"
        static let since = "outbox_parked_since"
        /// The records with parked events (only record `id`, when given).
        static func exist(id: Int64? = nil) -> BSONDocument {
            BSONDocument((id.map { [("id", BSONValue.int64($0))] } ?? []) + [(since, .document(["$exists": .bool(true)]))])
        }
    }

    /// Per plant one ordered bulk: each record's entries leave `outbox` and join
    /// `outbox_parked` in one update, then an emptied outbox is unset.
    /// A purge has no record to park it in: it is dropped, and the next `verify --repair`
    /// finds the record again.
    public func park(_ entries: [OutboxEntry], reason: String, attempts: Int, onlyBehindParked: Bool) async throws(ImageError) {
        guard !entries.isEmpty else { return }
        let database = self.database
        let now = Timestamp.currentMicroseconds()
        let purges = entries.filter { $0.op == .purge }
        let grouped = Dictionary(grouping: entries.filter { $0.op != .purge }, by: \.plant).mapValues { Dictionary(grouping: $0, by: \.imageID) }
        try await run("outbox-park") { client in
            try Purges.remove(purges, client: client, database: database)
            for (plant, byID) in grouped {
                let moves = byID.map { id, entries in
                    var filter: [(String, BSONValue)] = [("id", .int64(id)),
                                                         ("\(Outbox.entries).version", .document(["$in": .array(entries.map { .int64($0.version) })]))]
                    if onlyBehindParked { filter.append((Parked.since, .document(["$exists": .bool(true)]))) }
                    let parked = entries.map {
                        Outbox.entry($0, extra: [("reason", .string(reason)), ("attempts", .int64(Int64(attempts))), ("parked_at", .int64(now))])
                    }
                    return MongoUpdateOperation(filter: BSONDocument(filter), update: [
                        "$pull": .document([Outbox.entries: .document(["version": .document(["$in": .array(entries.map { .int64($0.version) })])])]),
                        "$push": .document([Parked.entries: .document(["$each": .array(parked)])]),
                        "$min": .document([Parked.since: .int64(now)]),
                    ])
                }
                try client.images(of: plant, in: database).bulkWrite(moves + byID.keys.map(Outbox.cleanup)).throwWriteErrors()
            }
        }
    }

    public func parkedEvents(_ filter: ParkedFilter, limit: Int) async throws(ImageError) -> [ParkedEvent] {
        guard limit > 0 else { return [] }
        let database = self.database
        return try await run("outbox-parked") { client in
            var found: [(since: Int64, events: [ParkedEvent])] = []
            for plant in Self.plants(filter) {
                let options = MongoFindOptions(sort: [Parked.since: .int32(1)], limit: Int64(limit),
                                               projection: ["_id": .int32(0), "id": .int32(1), Parked.entries: .int32(1), Parked.since: .int32(1)])
                for document in try client.images(of: plant, in: database).find(Self.parkedFilter(filter), options: options) {
                    let events = try Outbox.decode(document, plant: plant, field: Parked.entries).map { entry, fields throws(MongoError) in
                        ParkedEvent(entry: entry, reason: try fields.string("reason"), attempts: Int(try fields.int64("attempts")),
                                    parkedAt: Timestamp(millisecondsSinceEpoch: try fields.int64("parked_at") / 1000))
                    }
                    found.append((try document.int64(Parked.since), events))
                }
            }
            return Array(found.sorted { $0.since < $1.since }.flatMap(\.events).prefix(limit))
        }
    }

    public func parkedSummary() async throws(ImageError) -> ParkedSummary {
        let database = self.database
        return try await run("outbox-parked-summary") { client in
            var (count, oldest): (Int64, Int64?) = (0, nil)
            for plant in Plant.allCases {
                let reply = try client.runCommand([
                    "aggregate": .string(plant.collectionName),
                    "pipeline": .array([
                        .document(["$match": .document(Parked.exist())]),
                        .document(["$group": .document(["_id": .null, "n": .document(["$sum": .document(["$size": .string("$\(Parked.entries)")])]),
                                                        "oldest": .document(["$min": .string("$\(Parked.since)")])])]),
                    ]),
                    "cursor": .document(BSONDocument()),
                ], database: database)
                // One group, or none when nothing is parked.
                if case .document(let group)? = try reply.document("cursor").array("firstBatch").first {
                    count += try group.int64("n")
                    let since = try group.int64("oldest")
                    oldest = min(oldest ?? since, since)
                }
            }
            return ParkedSummary(count: count, oldest: oldest.map { Timestamp(millisecondsSinceEpoch: $0 / 1000) })
        }
    }

    /// Per record, a compare-and-set on its `version`, which every change bumps while it
    /// appends its event: the parked events and the pending ones become one outbox in version
    /// order. A change that slips in between fails the set, and the record is read again.
    public func retryParked(_ filter: ParkedFilter) async throws(ImageError) -> Int {
        let database = self.database
        return try await run("outbox-retry") { client in
            var moved = 0
            for plant in Self.plants(filter) {
                let images = client.images(of: plant, in: database)
                let projection: BSONDocument = ["_id": .int32(0), "id": .int32(1), "version": .int32(1), Outbox.entries: .int32(1),
                                                Outbox.since: .int32(1), Parked.entries: .int32(1), Parked.since: .int32(1)]
                var documents = try images.find(Self.parkedFilter(filter), options: MongoFindOptions(projection: projection))
                while let document = documents.popLast() {
                    let parked = try Outbox.decode(document, plant: plant, field: Parked.entries).map(\.0)
                    let pending = document[Outbox.entries] == nil ? [] : try Outbox.decode(document, plant: plant).map(\.0)
                    let outbox = (parked + pending).sorted { $0.version < $1.version }
                    let since = min(try document.int64(Parked.since), (try? document.int64(Outbox.since)) ?? .max)
                    let result = try images.updateOne(["id": .int64(try document.int64("id")), "version": .int64(try document.int64("version"))], [
                        "$set": .document([Outbox.entries: .array(outbox.map { Outbox.entry($0) }), Outbox.since: .int64(since)]),
                        "$unset": .document([Parked.entries: .string(""), Parked.since: .string("")]),
                    ])
                    if result.matchedCount == 1 {
                        moved += parked.count
                    } else if let again = try images.findOne(Parked.exist(id: try document.int64("id")), projection: projection) {
                        documents.append(again)
                    }
                }
            }
            return moved
        }
    }

    public func discardParked(_ filter: ParkedFilter) async throws(ImageError) -> Int {
        let database = self.database
        return try await run("outbox-discard") { client in
            var discarded = 0
            for plant in Self.plants(filter) {
                let images = client.images(of: plant, in: database)
                let options = MongoFindOptions(projection: ["_id": .int32(0), "id": .int32(1), Parked.entries: .int32(1)])
                for document in try images.find(Self.parkedFilter(filter), options: options) {
                    let id = try document.int64("id")
                    let result = try images.updateOne(["id": .int64(id)], ["$unset": .document([Parked.entries: .string(""), Parked.since: .string("")])])
                    if result.modifiedCount == 1 { discarded += try document.array(Parked.entries).count }
                }
            }
            return discarded
        }
    }

    private static func plants(_ filter: ParkedFilter) -> [Plant] { filter.plant.map { [$0] } ?? Plant.allCases }

    private static func parkedFilter(_ filter: ParkedFilter) -> BSONDocument {
        Parked.exist(id: filter.imageID)
    }
}
