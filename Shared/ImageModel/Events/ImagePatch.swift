/// The fields an update or delete event carries; nil means "unchanged". `updatedAt` is set on
/// every change. `data` is absent on purpose: a record's JPEG never changes after its create.
public struct ImagePatch: Sendable, Hashable {
    public var cameraID: Int64?
    public var gpsCoordinates: GPSCoordinates?
    public var disease: String?
    public var percentage: Double?
    public var isActive: Bool?
    public var isDeleted: Bool?
    public var updatedAt: Timestamp?

    public init(cameraID: Int64? = nil, gpsCoordinates: GPSCoordinates? = nil, disease: String? = nil,
                percentage: Double? = nil, isActive: Bool? = nil, isDeleted: Bool? = nil, updatedAt: Timestamp? = nil) {
        self.cameraID = cameraID
        self.gpsCoordinates = gpsCoordinates
        self.disease = disease
        self.percentage = percentage
        self.isActive = isActive
        self.isDeleted = isDeleted
        self.updatedAt = updatedAt
    }

    /// The values of `fields` in `image`, plus its `updated_at`.
    public init(_ fields: [ImageField], of image: Image) {
        self.init(updatedAt: image.updatedAt)
        for field in fields {
            switch field {
            case .cameraID: cameraID = image.cameraID
            case .gpsCoordinates: gpsCoordinates = image.gpsCoordinates
            case .disease: disease = image.disease
            case .percentage: percentage = image.percentage
            case .isActive: isActive = image.isActive
            case .isDeleted: isDeleted = image.isDeleted
            case .data: break
            }
        }
    }

    /// This patch followed by `later`: the later value of every field wins.
    public func merged(with later: ImagePatch) -> ImagePatch {
        ImagePatch(cameraID: later.cameraID ?? cameraID, gpsCoordinates: later.gpsCoordinates ?? gpsCoordinates,
                   disease: later.disease ?? disease, percentage: later.percentage ?? percentage,
                   isActive: later.isActive ?? isActive, isDeleted: later.isDeleted ?? isDeleted,
                   updatedAt: later.updatedAt ?? updatedAt)
    }

    /// The fields this patch sets, in `ImageField` order (`updated_at` is not an `ImageField`).
    public var fields: [ImageField] {
        ImageField.allCases.filter { field in
            switch field {
            case .cameraID: cameraID != nil
            case .gpsCoordinates: gpsCoordinates != nil
            case .disease: disease != nil
            case .percentage: percentage != nil
            case .isActive: isActive != nil
            case .isDeleted: isDeleted != nil
            case .data: false
            }
        }
    }
}

extension Image {
    /// The record with `patch` applied and the given version.
    public func patched(_ patch: ImagePatch, version: Int64) -> Image {
        var next = self
        next.cameraID = patch.cameraID ?? cameraID
        next.gpsCoordinates = patch.gpsCoordinates ?? gpsCoordinates
        next.disease = patch.disease ?? disease
        next.percentage = patch.percentage ?? percentage
        next.isActive = patch.isActive ?? isActive
        next.isDeleted = patch.isDeleted ?? isDeleted
        next.updatedAt = patch.updatedAt ?? updatedAt
        next.version = version
        return next
    }
}
