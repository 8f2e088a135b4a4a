/// How `MongoCollection.find` orders, pages and trims its results.
public struct MongoFindOptions: Sendable {
    /// E.g. `["id": .int32(1)]`, ascending by `id`.
    public var sort: BSONDocument?
    public var skip: Int64?
    /// At most this many documents; must be positive (the server reads 0 as "no limit").
    public var limit: Int64?
    /// E.g. `["data": .int32(1)]` to fetch only `_id` and `data`.
    public var projection: BSONDocument?

    public init(sort: BSONDocument? = nil, skip: Int64? = nil, limit: Int64? = nil, projection: BSONDocument? = nil) {
        precondition(limit.map { $0 > 0 } ?? true, "a find limit must be positive")
        self.sort = sort
        self.skip = skip
        self.limit = limit
        self.projection = projection
    }

    /// The `opts` document of `mongoc_collection_find_with_opts`.
    var document: BSONDocument {
        var elements: [(String, BSONValue)] = []
        if let sort { elements.append(("sort", .document(sort))) }
        if let skip { elements.append(("skip", .int64(skip))) }
        if let limit { elements.append(("limit", .int64(limit))) }
        if let projection { elements.append(("projection", .document(projection))) }
        return BSONDocument(elements)
    }
}
