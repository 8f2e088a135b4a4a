import HTTP
import ImageModel
import JSON
import Logging
import Routing

/// The LIMS image endpoints over an `ImageRepository`. `image-api` registers them read-write
/// over the producer store; the consumer registers them read-only over its own store.
public struct ImageController: Sendable {
    public enum Access: Sendable { case readWrite, readOnly }

    private let repository: any ImageRepository
    private let access: Access
    /// The time a change is made at (a test may skew it, as a replica with a wrong clock would).
    private let clock: @Sendable () -> Timestamp

    public init(repository: any ImageRepository, access: Access, clock: @escaping @Sendable () -> Timestamp = { .now() }) {
        self.repository = repository
        self.access = access
        self.clock = clock
    }

    /// Adds the routes; paths match with and without the trailing slash (the router's rule).
    public func register(on router: RouterBuilder) {
        router.get("/image-plant/is-deployed") { _, _ in try await isDeployed() }
        router.get("/image-plant/{plant}/total") { _, context in try await total(context) }
        router.get("/image-plant/{plant}/random") { request, context in try await random(request, context) }
        router.get("/image-plant/{plant}/{image_id}") { _, context in try await image(context) }
        router.get("/image-plant/{plant}") { request, context in try await list(request, context) }
        guard access == .readWrite else { return }
        router.put("/image-plant/{plant}") { request, context in try await create(request, context) }
        router.post("/image-plant/{plant}") { request, context in try await update(request, context) }
        router.delete("/image-plant/{plant}/{image_id}") { _, context in try await delete(context) }
    }

    private func isDeployed() async throws -> HTTPResponse {
        guard try await store({ try await repository.isDeployed() }) else {
            throw HTTPError(.notFound, detail: "The image database is not deployed yet")
        }
        return .json(Array(#"{"is_deployed":true}"#.utf8))
    }

    private func total(_ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let total = try await store { try await repository.total(plant: plant) }
        return .json(Array(#"{"total_images":\#(total)}"#.utf8))
    }

    private func random(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let filter = try RequestValues.filter(request.queryParameters)
        guard let image = try await store({ try await repository.random(plant: plant, filter: filter) }) else {
            throw HTTPError(.notFound, detail: "No image of \(plant.rawValue) matches the filters")
        }
        return .json(image.jsonBytes)
    }

    private func image(_ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let id = try RequestValues.imageID(context)
        guard let image = try await store({ try await repository.image(plant: plant, id: id) }) else {
            throw ImageError.notFound(plant, id: id)
        }
        return .json(image.jsonBytes)
    }

    private func list(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let query = request.queryParameters
        let fromID = try RequestValues.int64(query, "from_id", in: 1...Int64.max)
        let limit = Int(try RequestValues.int64(query, "limit", in: 1...1000))
        let filter = try RequestValues.filter(query)
        // The first page before the head: a store failure still gets its status.
        let first = try await store {
            try await repository.list(plant: plant, fromID: fromID, limit: min(limit, ListPages.pageSize), filter: filter)
        }
        let pages = ListPages(repository: repository, plant: plant, filter: filter, limit: limit, first: first)
        guard limit > ListPages.pageSize, first.images.count == ListPages.pageSize else {
            var body = try await pages.next() ?? []
            body += try await pages.next() ?? []
            return .json(body)
        }
        return HTTPResponse(headers: ["Content-Type": "application/json"], stream: HTTPBodyStream { try await pages.next() })
    }

    private func create(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let new = try NewImage(json: request.body)
        let image = try await store { try await repository.create(plant: plant, new, at: clock()) }
        context.logger.info("image created", metadata: ["image.plant": "\(plant.rawValue)", "image.id": "\(image.id)"])
        return .json(image.jsonBytes)
    }

    private func update(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let change = try ImageUpdate(json: request.body)
        guard let image = try await store({ try await repository.update(plant: plant, change, at: clock()) }) else {
            throw ImageError.notFound(plant, id: change.id)
        }
        return .json(image.jsonBytes)
    }

    private func delete(_ context: RequestContext) async throws -> HTTPResponse {
        let plant = try RequestValues.plant(context)
        let id = try RequestValues.imageID(context)
        guard try await store({ try await repository.softDelete(plant: plant, id: id, at: clock()) }) != nil else {
            throw ImageError.notFound(plant, id: id)
        }
        return .json(Array(#"{"message":"Image deleted successfully"}"#.utf8))
    }

    /// Runs a store call, logging database failures (the client only sees a generic detail).
    private func store<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ImageError where error.code == .storeFailure || error.code == .storeUnavailable {
            Logger(label: "image-routes").error("store call failed", metadata: ["error": "\(error.message)"])
            throw error
        }
    }
}
