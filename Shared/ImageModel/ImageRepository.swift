/// Where image records live. Every implementation behaves identically (one contract test suite
/// runs against each) so the store is a deployment choice, picked by URL.
///
/// All methods throw `ImageError`: `.storeUnavailable` when the database cannot be reached,
/// `.storeFailure` for other database errors, `.conflict` as documented.
public protocol ImageRepository: Sendable {
    /// Creates or migrates the schema and indexes; safe to call on every start.
    func migrate() async throws
    /// Succeeds only when the database answers.
    func ping() async throws
    func isDeployed() async throws -> Bool
    /// Records that the database holds its seed data (the LIMS `is_deployed` document).
    func setDeployed() async throws

    func image(plant: Plant, id: Int64) async throws -> Image?
    /// A uniformly chosen record that matches `filter`, or nil if none does.
    func random(plant: Plant, filter: ImageFilter) async throws -> Image?
    /// Up to `limit` records with `id >= fromID` matching `filter`, by ascending id.
    func listPage(plant: Plant, fromID: Int64, limit: Int, filter: ImageFilter) async throws -> [Image]
    /// The number of records of the plant that match `filter`.
    func count(plant: Plant, filter: ImageFilter) async throws -> Int64

    /// Stores a new record with the next id of the plant (no gaps, no duplicates, also under
    /// concurrent creates). Without `data` it copies the data of a random existing record;
    /// `.conflict` if the plant has none.
    func create(plant: Plant, _ new: NewImage, at time: Timestamp) async throws -> Image
    /// Applies `update`; nil if there is no such record. The change and its version bump happen
    /// atomically with respect to other updates of the same record.
    func update(plant: Plant, _ update: ImageUpdate, at time: Timestamp) async throws -> Image?
    /// Soft delete; nil if there is no such record.
    func softDelete(plant: Plant, id: Int64, at time: Timestamp) async throws -> Image?

    /// Inserts records as given (ids included), for seeding; existing ids are left untouched.
    func insert(plant: Plant, _ images: [Image]) async throws
    /// Removes every record of every plant and the deployed mark (tests and re-seeding).
    func removeAll() async throws
    /// Releases connections; the repository is unusable afterwards.
    func close() async
}

extension ImageRepository {
    /// Number of records of the plant, deleted ones included (as LIMS counted).
    public func total(plant: Plant) async throws -> Int64 {
        try await count(plant: plant, filter: ImageFilter())
    }

    /// Up to `limit` records with `id >= fromID` matching `filter`, by ascending id, and the
    /// number of all records that match `filter`: LIMS's list answer.
    public func list(plant: Plant, fromID: Int64, limit: Int, filter: ImageFilter) async throws -> (images: [Image], total: Int64) {
        let images = try await listPage(plant: plant, fromID: fromID, limit: limit, filter: filter)
        return (images, try await count(plant: plant, filter: filter))
    }
}
