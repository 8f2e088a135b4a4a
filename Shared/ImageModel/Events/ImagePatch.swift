/// The fields an update or delete event carries, `updated_at` among them (every change sets
/// it); an absent field is unchanged, and no patch sets null. `data` and `created_at` are never
/// in one: a record's JPEG and creation time never change after its create.
public struct ImagePatch: Sendable, Hashable {
    /// The values it sets, of `ImageField.patchable` fields only; never null.
    public private(set) var values: [ImageField: ImageFieldValue]

    /// - Precondition: every field is in `ImageField.patchable`; nulls are dropped.
    public init(_ values: [ImageField: ImageFieldValue]) {
        precondition(values.keys.allSatisfy(ImageField.patchable.contains), "a patch carries patchable fields only")
        self.values = values.settingValues
    }

    /// The LIMS fields by name; nil leaves the field as it is.
    public init(cameraID: Int64? = nil, gpsCoordinates: GPSCoordinates? = nil, disease: String? = nil,
                percentage: Double? = nil, isActive: Bool? = nil, isDeleted: Bool? = nil, updatedAt: Timestamp? = nil) {
        var values = Self.values(cameraID: cameraID, gpsCoordinates: gpsCoordinates, disease: disease,
                                 percentage: percentage, isActive: isActive, isDeleted: isDeleted)
        values[.updatedAt] = updatedAt.map { .timestamp($0) }
        self.init(values)
    }

    /// The values of the updatable LIMS fields given by name, for the labelled initializers
    /// of this type and `ImageUpdate`.
    static func values(cameraID: Int64?, gpsCoordinates: GPSCoordinates?, disease: String?, percentage: Double?,
                       isActive: Bool?, isDeleted: Bool?) -> [ImageField: ImageFieldValue] {
        var values: [ImageField: ImageFieldValue] = [:]
        values[.cameraID] = cameraID.map { .integer($0) }
        values[.gpsCoordinates] = gpsCoordinates.map { .coordinates($0) }
        values[.disease] = disease.map { .text($0) }
        values[.percentage] = percentage.map { .number($0) }
        values[.isActive] = isActive.map { .boolean($0) }
        values[.isDeleted] = isDeleted.map { .boolean($0) }
        return values
    }

    /// The values of `fields` in `image`, plus its `updated_at`.
    public init(_ fields: [ImageField], of image: Image) {
        var values: [ImageField: ImageFieldValue] = [:]
        for field in fields + [.updatedAt] where ImageField.patchable.contains(field) { values[field] = image[field] }
        self.init(values)
    }

    public subscript(field: ImageField) -> ImageFieldValue? { values[field] }

    /// This patch followed by `later`: the later value of every field wins.
    public func merged(with later: ImagePatch) -> ImagePatch {
        ImagePatch(values.merging(later.values) { $1 })
    }

    /// The fields this patch sets, in `ImageField` order.
    public var fields: [ImageField] { ImageField.allCases.filter { values[$0] != nil } }
}

extension Image {
    /// The record with `patch` applied and the given version.
    public func patched(_ patch: ImagePatch, version: Int64) -> Image {
        var next = self
        for (field, value) in patch.values { next[field] = value }
        next.version = version
        return next
    }
}
