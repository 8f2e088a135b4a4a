import JSON

/// Reads and validates the members of a request object, naming the field in every error.
/// Only scalars of the expected JSON type are accepted, so an object such as `{"$gt": 0}` can
/// never reach a store as a query operator.
struct FieldReader {
    private let members: [(key: String, value: JSONValue)]

    /// Parses `body` as a JSON object whose keys all belong to `allowed` (any keys when nil).
    init(body: [UInt8], allowed: Set<String>?, name: String = "body") throws(ImageError) {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw ImageError.invalidField(name, "is not valid JSON (\(error.description))")
        }
        try self.init(value: value, allowed: allowed, name: name)
    }

    /// Reads `value`, which must be a JSON object whose keys all belong to `allowed` (any keys when nil).
    init(value: JSONValue, allowed: Set<String>?, name: String) throws(ImageError) {
        guard case .object(let members) = value else {
            throw ImageError.invalidField(name, "must be a JSON object, got \(value.kindName)")
        }
        self.members = members
        if let allowed { try refuseUnknown(allowed) }
    }

    /// Refuses a member whose key is not in `allowed`, naming it.
    func refuseUnknown(_ allowed: Set<String>) throws(ImageError) {
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw ImageError.invalidField(unknown.key, "unknown field; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// The object read.
    var object: JSONValue { .object(members) }

    /// Whether the member is present and not null.
    func has(_ name: String) -> Bool { present(name) != nil }

    /// The member's raw value (nil when absent or null).
    func value(_ name: String) -> JSONValue? { present(name) }

    func timestamp(_ name: String) throws(ImageError) -> Timestamp? {
        guard let text = try string(name, maxLength: 40) else { return nil }
        guard let timestamp = Timestamp(iso8601: text) else {
            throw ImageError.invalidField(name, "must be an ISO-8601 time like 2023-10-08T15:39:49.123000, got \"\(text)\"")
        }
        return timestamp
    }

    /// The member's value, nil when absent or JSON null (LIMS treats both as "keep").
    private func present(_ name: String) -> JSONValue? {
        guard let value = members.first(where: { $0.key == name })?.value, value != .null else { return nil }
        return value
    }

    func int64(_ name: String, min: Int64) throws(ImageError) -> Int64? {
        guard let value = present(name) else { return nil }
        return try Self.int64(value, field: name, min: min)
    }

    static func int64(_ value: JSONValue, field: String, min: Int64) throws(ImageError) -> Int64 {
        guard case .number(let number) = value, number.isWholeNumber else {
            throw ImageError.invalidField(field, "must be an integer, got \(value.kindName == "a number" ? "a fraction" : value.kindName)")
        }
        guard let int = number.int64 else {
            throw ImageError.invalidField(field, "must fit in a 64-bit signed integer, got \(number.text)")
        }
        guard int >= min else { throw ImageError.invalidField(field, "must be ≥ \(min), got \(int)") }
        return int
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws(ImageError) -> Double? {
        guard let value = present(name) else { return nil }
        return try Self.double(value, field: name, in: range)
    }

    static func double(_ value: JSONValue, field: String, in range: ClosedRange<Double>) throws(ImageError) -> Double {
        guard case .number(let number) = value else {
            throw ImageError.invalidField(field, "must be a number, got \(value.kindName)")
        }
        let double = number.double
        guard double.isFinite, range.contains(double) else {
            throw ImageError.invalidField(field, "must be within [\(range.lowerBound.formatted), \(range.upperBound.formatted)], got \(number.text)")
        }
        return double
    }

    func bool(_ name: String) throws(ImageError) -> Bool? {
        guard let value = present(name) else { return nil }
        guard case .bool(let bool) = value else { throw ImageError.invalidField(name, "must be true or false, got \(value.kindName)") }
        return bool
    }

    func string(_ name: String, maxLength: Int) throws(ImageError) -> String? {
        guard let value = present(name) else { return nil }
        guard case .string(let string) = value else { throw ImageError.invalidField(name, "must be a string, got \(value.kindName)") }
        // Unicode scalars, not Characters: one Character can hold any number of combining marks.
        guard string.unicodeScalars.count <= maxLength else { throw ImageError.invalidField(name, "must be at most \(maxLength) characters") }
        // PostgreSQL text cannot hold NUL; rejecting it everywhere keeps the stores identical.
        guard !string.unicodeScalars.contains("\0") else { throw ImageError.invalidField(name, "must not contain NUL characters") }
        return string
    }

    /// A non-empty hex string of at most `maxBytes` decoded bytes (the JPEG of a record).
    func hexData(_ name: String, maxBytes: Int) throws(ImageError) -> [UInt8]? {
        guard let value = present(name) else { return nil }
        guard case .string(let hex) = value else { throw ImageError.invalidField(name, "must be a hex string, got \(value.kindName)") }
        guard hex.utf8.count <= maxBytes * 2 else {
            throw ImageError(code: .tooLarge, field: name,
                             message: "\(name): the JPEG is \(hex.utf8.count / 2) bytes; at most \(maxBytes) fit in a change event")
        }
        guard let bytes = Hex.decode(hex), !bytes.isEmpty else {
            throw ImageError.invalidField(name, "must be a non-empty even-length hex string")
        }
        return bytes
    }

    /// The JPEG of an event of schema 2, `data`, which came after the JSON: `name` must hold
    /// its length, and `data` must not be empty or over `maxBytes`; a hex `data` is refused.
    func binaryData(_ name: String, _ data: [UInt8], maxBytes: Int) throws(ImageError) -> [UInt8] {
        guard !has("data") else { throw ImageError.invalidField("data", "is not allowed in schema version 2: the JPEG follows the JSON") }
        let length = try int64(name, min: 1).required(name)
        guard length == data.count else {
            throw ImageError.invalidField(name, "is \(length) but \(data.count) bytes follow the JSON")
        }
        guard data.count <= maxBytes else {
            throw ImageError(code: .tooLarge, field: "data", message: "data: the JPEG is \(data.count) bytes; at most \(maxBytes) fit in a change event")
        }
        return data
    }

    /// The member named as `field`, checked against its kind; nil when absent or null.
    func value(of field: ImageField) throws(ImageError) -> ImageFieldValue? {
        let name = field.rawValue
        return switch field.kind {
        case .integer(let minimum): try int64(name, min: minimum).map { .integer($0) }
        case .jpeg: try hexData(name, maxBytes: EventLimits.maxImageBytes).map { .bytes($0) }
        case .coordinates: try gps(name).map { .coordinates($0) }
        case .timestamp: try timestamp(name).map { .timestamp($0) }
        case .boolean: try bool(name).map { .boolean($0) }
        case .text(let maxLength): try string(name, maxLength: maxLength).map { .text($0) }
        case .number(let range): try double(name, in: range).map { .number($0) }
        }
    }

    /// The values of those of `fields` that are present and not null.
    func values(of fields: [ImageField]) throws(ImageError) -> [ImageField: ImageFieldValue] {
        var values: [ImageField: ImageFieldValue] = [:]
        for field in fields { values[field] = try value(of: field) }
        return values
    }

    func gps(_ name: String) throws(ImageError) -> GPSCoordinates? {
        guard let value = present(name) else { return nil }
        guard case .array(let elements) = value, elements.count == 2 else {
            throw ImageError.invalidField(name, "must be an array [latitude, longitude], got \(value.kindName)")
        }
        return GPSCoordinates(latitude: try Self.double(elements[0], field: "\(name)[0] (latitude)", in: -90...90),
                              longitude: try Self.double(elements[1], field: "\(name)[1] (longitude)", in: -180...180))
    }
}

extension Optional {
    /// The value of a member that must be present: `try reader.bool("is_active").required("is_active")`.
    func required(_ name: String) throws(ImageError) -> Wrapped {
        guard let self else { throw ImageError.invalidField(name, "is required") }
        return self
    }
}

private extension Double {
    /// `90` rather than `90.0` in messages.
    var formatted: String { self == rounded() ? String(Int64(self)) : String(self) }
}
