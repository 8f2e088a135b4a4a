/// One leaf image record of a plant, the unit LIMS stores and syncs.
public struct Image: Sendable, Hashable {
    public var id: Int64
    public var cameraID: Int64
    /// The JPEG bytes.
    public var data: [UInt8]
    public var gpsCoordinates: GPSCoordinates
    public var createdAt: Timestamp
    /// Nil only for records imported from LIMS that were never updated.
    public var updatedAt: Timestamp?
    public var isActive: Bool
    public var isDeleted: Bool
    public var disease: String?
    public var percentage: Double?
    /// Increases by one with every change; the stream sync orders changes by it.
    public var version: Int64

    public init(id: Int64, cameraID: Int64, data: [UInt8], gpsCoordinates: GPSCoordinates,
                createdAt: Timestamp, updatedAt: Timestamp?, isActive: Bool = false, isDeleted: Bool = false,
                disease: String? = nil, percentage: Double? = nil, version: Int64 = 1) {
        self.id = id
        self.cameraID = cameraID
        self.data = data
        self.gpsCoordinates = gpsCoordinates
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.isActive = isActive
        self.isDeleted = isDeleted
        self.disease = disease
        self.percentage = percentage
        self.version = version
    }
}

extension Image {
    /// A record whose fields are all still to be set (zero, empty or null), for decoders that
    /// fill it field by field.
    public init(id: Int64, version: Int64) {
        self.init(id: id, cameraID: 0, data: [], gpsCoordinates: GPSCoordinates(latitude: 0, longitude: 0),
                  createdAt: Timestamp(millisecondsSinceEpoch: 0), updatedAt: nil, version: version)
    }

    /// The value of `field`; a value of another kind than the field's is a programming error.
    public subscript(field: ImageField) -> ImageFieldValue {
        get {
            switch field {
            case .cameraID: .integer(cameraID)
            case .data: .bytes(data)
            case .gpsCoordinates: .coordinates(gpsCoordinates)
            case .createdAt: .timestamp(createdAt)
            case .updatedAt: updatedAt.map { .timestamp($0) } ?? .null
            case .isActive: .boolean(isActive)
            case .isDeleted: .boolean(isDeleted)
            case .disease: disease.map { .text($0) } ?? .null
            case .percentage: percentage.map { .number($0) } ?? .null
            }
        }
        set {
            func need<T>(_ value: T?) -> T {
                guard let value else { preconditionFailure("\(field.rawValue) cannot hold \(newValue)") }
                return value
            }
            switch field {
            case .cameraID: cameraID = need(newValue.integer)
            case .data: data = need(newValue.bytes)
            case .gpsCoordinates: gpsCoordinates = need(newValue.coordinates)
            case .createdAt: createdAt = need(newValue.timestamp)
            case .updatedAt: updatedAt = newValue.timestamp
            case .isActive: isActive = need(newValue.boolean)
            case .isDeleted: isDeleted = need(newValue.boolean)
            case .disease: disease = newValue.text
            case .percentage: percentage = newValue.number
            }
        }
    }
}
