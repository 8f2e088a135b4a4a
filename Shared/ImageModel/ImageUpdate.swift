/// The body of a partial update (POST): `id` picks the image; every other field that is present
/// and not null replaces the stored value, the rest keep theirs (LIMS semantics).
public struct ImageUpdate: Sendable, Hashable {
    public var id: Int64
    /// The values it sets, of `ImageField.updatable` fields only; never null.
    public private(set) var values: [ImageField: ImageFieldValue]

    /// - Precondition: every field is in `ImageField.updatable`; nulls are dropped (null keeps).
    public init(id: Int64, _ values: [ImageField: ImageFieldValue]) {
        precondition(values.keys.allSatisfy(ImageField.updatable.contains), "an update sets updatable fields only")
        self.id = id
        self.values = values.settingValues
    }

    /// The LIMS fields by name; nil keeps the stored value.
    public init(id: Int64, cameraID: Int64? = nil, gpsCoordinates: GPSCoordinates? = nil, disease: String? = nil,
                percentage: Double? = nil, isActive: Bool? = nil, isDeleted: Bool? = nil) {
        self.init(id: id, ImagePatch.values(cameraID: cameraID, gpsCoordinates: gpsCoordinates, disease: disease,
                                            percentage: percentage, isActive: isActive, isDeleted: isDeleted))
    }

    /// Decodes and validates an update request body; unknown fields are rejected.
    /// - Throws: `ImageError` with code `.invalidField` naming the offending field.
    public init(json body: [UInt8]) throws(ImageError) {
        let reader = try FieldReader(body: body, allowed: Set(["id"] + ImageField.updatable.map(\.rawValue)))
        guard let id = try reader.int64("id", min: 1) else { throw ImageError.invalidField("id", "is required") }
        self.init(id: id, try reader.values(of: ImageField.updatable))
    }
}
