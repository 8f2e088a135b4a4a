import ImageModel

/// A LIMS field of an image record that `verify` compares, named as in the LIMS JSON.
///
/// Our internal `version` is left out on purpose: the batch sync copies LIMS records and need not
/// carry it, so a consumer with other versions but the same LIMS fields is in sync.
public enum ComparedField: String, Sendable, CaseIterable, Hashable {
    case id
    case cameraID = "camera_id"
    case data
    case gpsCoordinates = "gps_coordinates"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case isActive = "is_active"
    case isDeleted = "is_deleted"
    case disease
    case percentage

    /// The fields in which `a` and `b` differ, in declaration order. Doubles are compared by
    /// bit pattern, as the digest hashes them, so a NaN equals itself and `-0.0` differs from `0.0`.
    public static func differences(between a: Image, and b: Image) -> [ComparedField] {
        allCases.filter { !$0.isEqual(a, b) }
    }

    private func isEqual(_ a: Image, _ b: Image) -> Bool {
        switch self {
        case .id: return a.id == b.id
        case .cameraID: return a.cameraID == b.cameraID
        case .data: return a.data == b.data
        case .gpsCoordinates:
            return a.gpsCoordinates.latitude.bitPattern == b.gpsCoordinates.latitude.bitPattern
                && a.gpsCoordinates.longitude.bitPattern == b.gpsCoordinates.longitude.bitPattern
        case .createdAt: return a.createdAt == b.createdAt
        case .updatedAt: return a.updatedAt == b.updatedAt
        case .isActive: return a.isActive == b.isActive
        case .isDeleted: return a.isDeleted == b.isDeleted
        case .disease: return a.disease == b.disease
        case .percentage: return a.percentage?.bitPattern == b.percentage?.bitPattern
        }
    }
}
