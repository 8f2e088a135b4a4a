import ImageModel
import Mongo

// An image record in the LIMS MongoDB shape, plus our `version`.
extension Image {
    /// The record as stored; `_id` is left to the driver.
    var mongoDocument: BSONDocument { BSONDocument(mongoFields) }

    /// The stored fields in order, for documents that add more (the outbox) or `$set` them all.
    var mongoFields: [(String, BSONValue)] {
        var elements: [(String, BSONValue)] = [("id", .int64(id))]
        elements += ImageField.allCases.map { ($0.rawValue, mongoValue(of: $0)) }
        elements += [
            ("created_at", .dateTime(createdAt.millisecondsSinceEpoch)),
            ("updated_at", updatedAt.mongoValue),
            ("version", .int64(version)),
        ]
        return elements
    }

    /// The stored value of `field`; the field names of `ImageField` are the LIMS names.
    func mongoValue(of field: ImageField) -> BSONValue {
        switch field {
        case .cameraID: .int64(cameraID)
        case .data: .binary(data)
        case .gpsCoordinates: gpsCoordinates.mongoValue
        case .disease: disease.map { .string($0) } ?? .null
        case .percentage: percentage.map { .double($0) } ?? .null
        case .isActive: .bool(isActive)
        case .isDeleted: .bool(isDeleted)
        }
    }

    /// Reads a stored record, also one written by LIMS itself: int32 numbers, `updated_at`,
    /// `disease` and `percentage` null or missing, no `version` (read as 1). Other fields (`_id`,
    /// the outbox) are ignored.
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
                  createdAt: try document.timestamp("created_at"),
                  updatedAt: try document.optionalTimestamp("updated_at"),
                  isActive: try document.bool("is_active"),
                  isDeleted: try document.bool("is_deleted"),
                  disease: document.isNullOrAbsent("disease") ? nil : try document.string("disease"),
                  percentage: document.isNullOrAbsent("percentage") ? nil : try document.double("percentage"),
                  version: try document.imageVersion())
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

extension GPSCoordinates {
    /// LIMS stores `[latitude, longitude]`.
    var mongoValue: BSONValue { .array([.double(latitude), .double(longitude)]) }
}

extension Timestamp? {
    /// A BSON date, or null for none (`updated_at` of a record LIMS never updated).
    var mongoValue: BSONValue { map { .dateTime($0.millisecondsSinceEpoch) } ?? .null }
}

extension BSONDocument {
    /// The record's `version`; a LIMS record without one counts as version 1.
    func imageVersion() throws(MongoError) -> Int64 {
        self["version"] == nil ? 1 : try int64("version")
    }

    func timestamp(_ key: String) throws(MongoError) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: try dateTime(key))
    }

    /// Nil when the date is null or missing.
    func optionalTimestamp(_ key: String) throws(MongoError) -> Timestamp? {
        isNullOrAbsent(key) ? nil : try timestamp(key)
    }
}
