import ImageModel
import Mongo

// An image record in the LIMS MongoDB shape, plus our `version`.
extension Image {
    /// The record as stored; `_id` is left to the driver.
    var mongoDocument: BSONDocument { BSONDocument(mongoFields) }

    /// The stored fields in order, for documents that add more (the outbox) or `$set` them all.
    var mongoFields: [(String, BSONValue)] {
        [("id", .int64(id))] + ImageField.allCases.map { ($0.rawValue, self[$0].mongoValue) } + [("version", .int64(version))]
    }

    /// Reads a stored record, also one written by LIMS itself: int32 numbers, nullable fields
    /// null or missing, no `version` (read as 1). Other fields (`_id`, the outbox) are ignored.
    init(mongoDocument document: BSONDocument) throws(MongoError) {
        self.init(id: try document.int64("id"), version: try document.imageVersion())
        for field in ImageField.allCases where !(field.isNullable && document.isNullOrAbsent(field.rawValue)) {
            self[field] = try document.value(of: field, image: id)
        }
    }
}

extension ImageFieldValue {
    /// The value as stored: the JPEG as binary, times as BSON dates, coordinates as LIMS's
    /// `[latitude, longitude]`.
    var mongoValue: BSONValue {
        switch self {
        case .integer(let int): .int64(int)
        case .bytes(let bytes): .binary(bytes)
        case .coordinates(let gps): .array([.double(gps.latitude), .double(gps.longitude)])
        case .timestamp(let time): .dateTime(time.millisecondsSinceEpoch)
        case .boolean(let bool): .bool(bool)
        case .text(let text): .string(text)
        case .number(let number): .double(number)
        case .null: .null
        }
    }
}

extension BSONDocument {
    /// The stored value of `field` of record `image`, read by the field's kind.
    func value(of field: ImageField, image id: Int64) throws(MongoError) -> ImageFieldValue {
        let name = field.rawValue
        switch field.kind {
        case .integer: return .integer(try int64(name))
        case .jpeg: return .bytes(try binary(name))
        case .timestamp: return .timestamp(try timestamp(name))
        case .boolean: return .boolean(try bool(name))
        case .text: return .text(try string(name))
        case .number: return .number(try double(name))
        case .coordinates:
            let pair = try array(name)
            guard pair.count == 2, let latitude = Self.number(pair[0]), let longitude = Self.number(pair[1]) else {
                throw MongoError(code: .unexpectedDocument, message: "image \(id): \(name) is not [latitude, longitude]")
            }
            return .coordinates(GPSCoordinates(latitude: latitude, longitude: longitude))
        }
    }

    private static func number(_ value: BSONValue) -> Double? {
        switch value {
        case .double(let double): double
        case .int32(let int): Double(int)
        case .int64(let int): Double(int)
        default: nil
        }
    }

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
