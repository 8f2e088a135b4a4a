import ImageModel
import Mongo

// An image record in the LIMS MongoDB shape, plus our `version`.
extension Image {
    /// The record as stored; `_id` is left to the driver.
    var mongoDocument: BSONDocument {
        var elements: [(String, BSONValue)] = [("id", .int64(id))]
        elements += ImageField.allCases.map { ($0.rawValue, mongoValue(of: $0)) }
        elements += [
            ("created_at", .dateTime(createdAt.millisecondsSinceEpoch)),
            ("updated_at", updatedAt.map { .dateTime($0.millisecondsSinceEpoch) } ?? .null),
            ("version", .int64(version)),
        ]
        return BSONDocument(elements)
    }

    /// The stored value of `field`; the field names of `ImageField` are the LIMS names.
    func mongoValue(of field: ImageField) -> BSONValue {
        switch field {
        case .cameraID: .int64(cameraID)
        case .data: .binary(data)
        case .gpsCoordinates: .array([.double(gpsCoordinates.latitude), .double(gpsCoordinates.longitude)])
        case .disease: disease.map { .string($0) } ?? .null
        case .percentage: percentage.map { .double($0) } ?? .null
        case .isActive: .bool(isActive)
        case .isDeleted: .bool(isDeleted)
        }
    }

    /// Reads a stored record, also one written by LIMS itself: int32 numbers, `updated_at`,
    /// `disease` and `percentage` null or missing, no `version` (read as 1).
    init(mongoDocument document: BSONDocument) throws(MongoError) {
        let id = try document.int64("id")
        let gps = try document.array("gps_coordinates")
        guard gps.count == 2, let latitude = Self.number(gps[0]), let longitude = Self.number(gps[1]) else {
            throw MongoError(code: .unexpectedDocument, message: "image \(id): gps_coordinates is not [latitude, longitude]")
        }
        self.init(id: id,
                  cameraID: try document.int64("camera_id"),
                  data: try document.binary("data"),
                  gpsCoordinates: GPSCoordinates(latitude: latitude, longitude: longitude),
                  createdAt: Timestamp(millisecondsSinceEpoch: try document.dateTime("created_at")),
                  updatedAt: document.isNullOrAbsent("updated_at")
                      ? nil : Timestamp(millisecondsSinceEpoch: try document.dateTime("updated_at")),
                  isActive: try document.bool("is_active"),
                  isDeleted: try document.bool("is_deleted"),
                  disease: document.isNullOrAbsent("disease") ? nil : try document.string("disease"),
                  percentage: document.isNullOrAbsent("percentage") ? nil : try document.double("percentage"),
                  version: document["version"] == nil ? 1 : try document.int64("version"))
    }

    private static func number(_ value: BSONValue) -> Double? {
        switch value {
        case .double(let double): double
        case .int32(let int): Double(int)
        case .int64(let int): Double(int)
        default: nil
        }
    }
}
