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
