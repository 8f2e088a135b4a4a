import HTTP
import ImageModel
import JSON

/// The image-api calls the jobs make, exactly as any client sends them (docs/api.md).
struct ImageAPIClient: Sendable {
    /// What the jobs need of an image.
    struct Image: Sendable {
        let plant: Plant
        let id: Int64
        let isActive: Bool
        /// The JPEG.
        let data: [UInt8]
    }

    let caller: ServiceCaller

    /// `PUT /image-plant/{plant}/`: a new image whose data image-api copies from an existing one.
    /// - Returns: the new image's id.
    func create(_ plant: Plant, cameraID: Int, gps: (latitude: Double, longitude: Double)) async throws(JobsError) -> Int64 {
        let body = JSONValue.object([
            ("camera_id", .integer(cameraID)),
            ("gps_coordinates", .array([.decimal(gps.latitude), .decimal(gps.longitude)])),
        ])
        let answer = try await caller.call(.put, "/image-plant/\(plant.rawValue)/", body: body)
        return try Self.id(of: answer, plant: plant)
    }

    /// `GET /image-plant/{plant}/random/` with the given flags; nil when no image matches.
    func random(_ plant: Plant, isActive: Bool? = nil, hasDisease: Bool? = nil,
                isDeleted: Bool? = nil) async throws(JobsError) -> Image? {
        let flags = [("is_active", isActive), ("has_disease", hasDisease), ("is_deleted", isDeleted)]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: "&")
        guard let answer = try await caller.call(.get, "/image-plant/\(plant.rawValue)/random/?\(flags)", allowNotFound: true) else {
            return nil
        }
        let id = try Self.id(of: answer, plant: plant)
        guard case .bool(let isActive)? = answer["is_active"], case .string(let hex)? = answer["data"],
              let data = Hex.decode(hex) else {
            throw JobsError(.invalidResponse, "image-api's random \(plant.rawValue) image lacks is_active or hex data")
        }
        return Image(plant: plant, id: id, isActive: isActive, data: data)
    }

    /// `POST /image-plant/{plant}/`: changes the given fields of image `id`.
    func update(_ plant: Plant, id: Int64, _ fields: [(key: String, value: JSONValue)]) async throws(JobsError) {
        _ = try await caller.call(.post, "/image-plant/\(plant.rawValue)/", body: .object([("id", .integer(id))] + fields))
    }

    /// `DELETE /image-plant/{plant}/{id}`: a soft delete.
    func delete(_ plant: Plant, id: Int64) async throws(JobsError) {
        _ = try await caller.call(.delete, "/image-plant/\(plant.rawValue)/\(id)")
    }

    private static func id(of answer: JSONValue?, plant: Plant) throws(JobsError) -> Int64 {
        guard case .number(let number)? = answer?["id"], let id = number.int64 else {
            throw JobsError(.invalidResponse, "image-api answered a \(plant.rawValue) image without an integer id")
        }
        return id
    }
}

extension JSONValue {
    static func integer(_ value: some BinaryInteger) -> JSONValue { .number(JSONNumber(text: String(value))) }
    static func decimal(_ value: Double) -> JSONValue { .number(JSONNumber(text: value.description)) }
}
