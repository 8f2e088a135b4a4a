import ImageModel

extension Image {
    /// A valid record with overridable fields, for fixtures.
    public static func make(id: Int64, cameraID: Int64 = 1, data: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10],
                     isActive: Bool = false, isDeleted: Bool = false, disease: String? = nil, percentage: Double? = nil,
                     createdAt: Timestamp = Timestamp(millisecondsSinceEpoch: 1_696_779_589_123),
                     updatedAt: Timestamp?? = .none, version: Int64 = 1) -> Image {
        Image(id: id, cameraID: cameraID, data: data,
              gpsCoordinates: GPSCoordinates(latitude: 48.476563, longitude: -16.585654),
              createdAt: createdAt, updatedAt: updatedAt ?? createdAt, isActive: isActive, isDeleted: isDeleted,
              disease: disease, percentage: percentage, version: version)
    }
}
