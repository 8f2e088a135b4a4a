import ImageModel
import Mongo

extension MongoImageRepository {
    static let byID: BSONDocument = ["id": .int32(1)]

    public func image(plant: Plant, id: Int64) async throws(ImageError) -> Image? {
        let database = self.database
        return try await run("get") { client in
            try client.images(of: plant, in: database).findOne(["id": .int64(id)], projection: Outbox.hidden)
                .map(Image.init(mongoDocument:))
        }
    }

    /// Counts the matches and reads the one at a random offset in id order (no `$sample`,
    /// which test servers may lack). A record removed between the two reads makes it try again.
    public func random(plant: Plant, filter: ImageFilter) async throws(ImageError) -> Image? {
        let database = self.database
        let conditions = BSONDocument(Self.conditions(filter))
        return try await run("random") { client in
            let images = client.images(of: plant, in: database)
            for _ in 0..<3 {
                let count = try images.countDocuments(conditions)
                guard count > 0 else { return nil }
                let options = MongoFindOptions(sort: Self.byID, skip: Int64.random(in: 0..<count), limit: 1,
                                               projection: Outbox.hidden)
                if let document = try images.find(conditions, options: options).first {
                    return try Image(mongoDocument: document)
                }
            }
            return nil
        }
    }

    public func listPage(plant: Plant, fromID: Int64, limit: Int, filter: ImageFilter) async throws(ImageError) -> [Image] {
        // The server reads limit 0 as "no limit"; no page was asked for.
        guard limit > 0 else { return [] }
        let (database, conditions) = (self.database, Self.conditions(filter))
        return try await run("list") { client in
            try client.images(of: plant, in: database)
                .find(BSONDocument([("id", .document(["$gte": .int64(fromID)]))] + conditions),
                      options: MongoFindOptions(sort: Self.byID, limit: Int64(limit), projection: Outbox.hidden))
                .map(Image.init(mongoDocument:))
        }
    }

    public func count(plant: Plant, filter: ImageFilter) async throws(ImageError) -> Int64 {
        let (database, conditions) = (self.database, Self.conditions(filter))
        return try await run("count") { client in
            try client.images(of: plant, in: database).countDocuments(BSONDocument(conditions))
        }
    }

    /// The filter's conditions: `hasDisease` true is a non-null `disease`, false is null or
    /// missing (a BSON `null` condition matches both).
    static func conditions(_ filter: ImageFilter) -> [(String, BSONValue)] {
        var conditions: [(String, BSONValue)] = []
        if let isActive = filter.isActive { conditions.append(("is_active", .bool(isActive))) }
        if let hasDisease = filter.hasDisease {
            conditions.append(("disease", hasDisease ? .document(["$ne": .null]) : .null))
        }
        if let isDeleted = filter.isDeleted { conditions.append(("is_deleted", .bool(isDeleted))) }
        return conditions
    }
}
