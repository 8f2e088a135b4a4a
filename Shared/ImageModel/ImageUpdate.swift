/// The body of a partial update (POST): `id` picks the image; every other field that is present
/// and not null replaces the stored value, the rest keep theirs (LIMS semantics).
public struct ImageUpdate: Sendable, Hashable {
    public var id: Int64
    public var cameraID: Int64?
    public var gpsCoordinates: GPSCoordinates?
    public var disease: String?
    public var percentage: Double?
    public var isActive: Bool?
    public var isDeleted: Bool?

    public init(id: Int64, cameraID: Int64? = nil, gpsCoordinates: GPSCoordinates? = nil, disease: String? = nil,
                percentage: Double? = nil, isActive: Bool? = nil, isDeleted: Bool? = nil) {
        self.id = id
        self.cameraID = cameraID
        self.gpsCoordinates = gpsCoordinates
        self.disease = disease
        self.percentage = percentage
        self.isActive = isActive
        self.isDeleted = isDeleted
    }

    /// Decodes and validates an update request body; unknown fields are rejected.
    /// - Throws: `ImageError` with code `.invalidField` naming the offending field.
    public init(json body: [UInt8]) throws(ImageError) {
        let reader = try FieldReader(body: body, allowed: ["id", "camera_id", "gps_coordinates", "disease",
                                                           "percentage", "is_active", "is_deleted"])
        guard let id = try reader.int64("id", min: 1) else { throw ImageError.invalidField("id", "is required") }
        self.init(id: id,
                  cameraID: try reader.int64("camera_id", min: 1),
                  gpsCoordinates: try reader.gps("gps_coordinates"),
                  disease: try reader.string("disease", maxLength: 200),
                  percentage: try reader.double("percentage", in: 0...1),
                  isActive: try reader.bool("is_active"),
                  isDeleted: try reader.bool("is_deleted"))
    }
}
