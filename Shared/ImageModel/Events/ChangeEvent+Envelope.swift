import JSON

// The envelope of schema version 1, JSON with the JPEG as hex:
// {"schema_version":1,"event_id":"potato-12-3","op":"update","plant":"potato","image_id":12,
//  "version":3,"occurred_at":1763906400123456,"payload":{"is_active":true,"updated_at":"…"}}
//
// Schema version 2 is the same JSON, but a create's or repair's payload holds `data_bytes`
// (the JPEG's length) instead of `data`, and the JPEG itself follows the JSON after one NUL
// byte, which JSON text never holds: {"schema_version":2,…,"payload":{…,"data_bytes":N,…}}\0<N bytes>.
// Readers of version 2 ignore members they do not know; version 1 refuses them.
extension ChangeEvent {
    /// Kafka header names; the values are `op`, the schema version and its content type.
    public enum Header {
        public static let op = "op"
        public static let schemaVersion = "schema-version"
        public static let contentType = "content-type"
        public static let eventID = "event-id"
    }

    /// The content type of an envelope of schema `version`.
    public static func contentType(schemaVersion version: Int64) -> String {
        version >= 2 ? "application/vnd.leafsync.event-v2" : "application/json"
    }

    /// The headers of an event message, as (name, value).
    static func headers(op: ChangeOperation, eventID: String, schemaVersion: Int64) -> [(name: String, value: String)] {
        [(Header.op, op.rawValue), (Header.schemaVersion, String(schemaVersion)),
         (Header.contentType, contentType(schemaVersion: schemaVersion)), (Header.eventID, eventID)]
    }

    /// The message key of a record's changes: its id in decimal, so every change of a record
    /// lands in one partition, in order.
    static func key(imageID: Int64) -> [UInt8] { Array(String(imageID).utf8) }

    /// The envelope in the schema this code writes by default.
    public var envelope: [UInt8] { envelope(schemaVersion: Self.schemaVersion) }

    /// The envelope in schema `version` (one of `schemaVersions`); a purge's in 2 at least, as
    /// purges exist from schema 2 on (a producer rolled back to 1 still writes them).
    public func envelope(schemaVersion requested: Int64) -> [UInt8] {
        precondition(Self.schemaVersions.contains(requested), "no envelope schema \(requested)")
        let version = op == .purge ? max(requested, 2) : requested
        let binary = version >= 2
        var capacity = 320
        if case .record(let image) = payload { capacity += image.data.count * (binary ? 1 : 2) + 1 }
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.object { w in
            w.key("schema_version"); w.int(version)
            w.key("event_id"); w.string(eventID)
            w.key("op"); w.string(op.rawValue)
            w.key("plant"); w.string(plant.rawValue)
            w.key("image_id"); w.int(imageID)
            w.key("version"); w.int(self.version)
            w.key("occurred_at"); w.int(occurredAt)
            w.key("payload")
            switch payload {
            case .record(let image): image.write(to: &w, dataLength: binary)
            case .patch(let patch): patch.write(to: &w)
            case .removal(let removed): w.object { p in p.key("version"); p.int(removed) }
            }
        }
        guard binary, case .record(let image) = payload else { return writer.bytes }
        var bytes = writer.bytes
        bytes.append(0)
        bytes.append(contentsOf: image.data)
        return bytes
    }

    /// The schema version an envelope written by `envelope(schemaVersion:)` has, read from its
    /// first member without parsing it (1 for bytes that do not start as ours do).
    public static func schemaVersion(ofEnvelope bytes: [UInt8]) -> Int64 {
        let prefix = #"{"schema_version":"#.utf8
        guard bytes.starts(with: prefix) else { return 1 }
        var version: Int64 = 0
        for byte in bytes.dropFirst(prefix.count).prefix(4) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
            version = version * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return version
    }

    /// A message's JSON and, after its first NUL byte (which JSON text cannot hold), the
    /// binary part; nil when there is no NUL.
    public static func split(_ bytes: [UInt8]) -> (json: [UInt8], binary: [UInt8]?) {
        guard let nul = bytes.firstIndex(of: 0) else { return (bytes, nil) }
        return (Array(bytes[..<nul]), Array(bytes[(nul + 1)...]))
    }

    static let envelopeKeys: Set<String> = ["schema_version", "event_id", "op", "plant", "image_id", "version",
                                                    "occurred_at", "payload"]

    /// Decodes and validates an envelope of any schema in `schemaVersions`.
    /// - Throws: `ImageError.invalidField` naming the offending field: the reason a message is
    ///   dead-lettered.
    public init(envelope bytes: [UInt8]) throws(ImageError) {
        let (json, binary) = Self.split(bytes)
        try self.init(envelope: FieldReader(body: json, allowed: nil, name: "message"), binary: binary)
    }

    /// - Parameter binary: what followed the JSON's NUL byte; nil when there was none.
    init(envelope reader: FieldReader, binary: [UInt8]?) throws(ImageError) {
        let schema = try reader.int64("schema_version", min: 0).required("schema_version")
        guard Self.schemaVersions.contains(schema) else {
            throw ImageError.invalidField("schema_version", "unsupported version \(schema); this consumer reads "
                + "\(Self.schemaVersions.lowerBound) to \(Self.schemaVersions.upperBound): upgrade it, then replay the dead letters")
        }
        let strict = schema == 1
        if strict {
            try reader.refuseUnknown(Self.envelopeKeys)
            guard binary == nil else { throw ImageError.invalidField("message", "of schema version 1 has a NUL byte; only version 2 carries a binary part") }
        }
        _ = try reader.string("event_id", maxLength: 200).required("event_id")
        let opText = try reader.string("op", maxLength: 20).required("op")
        guard let op = ChangeOperation(rawValue: opText) else {
            throw ImageError.invalidField("op", "must be create, update, delete, repair or purge, not \"\(opText)\"")
        }
        let plant = try Plant(validating: try reader.string("plant", maxLength: 40).required("plant"))
        let imageID = try reader.int64("image_id", min: 1).required("image_id")
        let version = try reader.int64("version", min: op == .purge ? 0 : 1).required("version")
        let occurredAt = try reader.int64("occurred_at", min: 0).required("occurred_at")
        guard let payloadValue = reader.value("payload") else { throw ImageError.invalidField("payload", "is required") }
        let payload: Payload
        switch op {
        case .create, .repair:
            let fields = try FieldReader(value: payloadValue, allowed: strict ? Image.recordKeys : nil, name: "payload")
            let image: Image
            if strict {
                image = try Image(recordJSON: fields, version: version)
            } else {
                guard let binary else {
                    throw ImageError.invalidField("message", "a \(op.rawValue) of schema version 2 carries its JPEG after a NUL byte; there is none")
                }
                image = try Image(recordJSON: fields, version: version, binaryData: binary)
            }
            guard image.id == imageID else {
                throw ImageError.invalidField("payload.id", "is \(image.id) but image_id is \(imageID)")
            }
            payload = .record(image)
        case .update, .delete:
            guard binary == nil else { throw ImageError.invalidField("message", "an \(op.rawValue) carries no binary part, but a NUL byte follows its JSON") }
            let patch = try ImagePatch(json: FieldReader(value: payloadValue, allowed: strict ? ImagePatch.keys : nil, name: "payload"))
            if op == .delete, patch[.isDeleted] != .boolean(true) {
                throw ImageError.invalidField("payload.is_deleted", "must be true in a delete")
            }
            payload = .patch(patch)
        case .purge:
            guard !strict else { throw ImageError.invalidField("op", "purge exists from schema version 2 on") }
            guard binary == nil else { throw ImageError.invalidField("message", "a purge carries no binary part, but a NUL byte follows its JSON") }
            guard version == 0 else { throw ImageError.invalidField("version", "must be 0 in a purge (the version it removes is in the payload)") }
            let fields = try FieldReader(value: payloadValue, allowed: nil, name: "payload")
            payload = .removal(version: try fields.int64("version", min: 0).required("payload.version"))
        }
        self.init(op: op, plant: plant, imageID: imageID, version: version, occurredAt: occurredAt, payload: payload)
    }
}

extension ImagePatch {
    static let keys = Set(ImageField.patchable.map(\.rawValue))

    func write(to writer: inout JSONWriter) {
        writer.object { w in
            for field in fields {
                w.key(field.rawValue); w.write(values[field]!)
            }
        }
    }

    init(json reader: FieldReader) throws(ImageError) {
        let values = try reader.values(of: ImageField.patchable)
        guard values[.updatedAt] != nil else { throw ImageError.invalidField(ImageField.updatedAt.rawValue, "is required") }
        self.init(values)
    }
}

extension Image {
    /// The members of the LIMS image JSON.
    static let recordKeys = Set(["id"] + ImageField.allCases.map(\.rawValue))

    /// Reads a whole record in the LIMS image JSON (the nullable fields may be null or absent);
    /// with `binaryData` (schema 2), the JPEG is that, and `data_bytes` must be its length.
    init(recordJSON reader: FieldReader, version: Int64, binaryData: [UInt8]? = nil) throws(ImageError) {
        self.init(id: try reader.int64("id", min: 1).required("id"), version: version)
        for field in ImageField.allCases {
            let value: ImageFieldValue? = if field == .data, let binaryData {
                .bytes(try reader.binaryData("data_bytes", binaryData, maxBytes: EventLimits.maxImageBytes))
            } else {
                try reader.value(of: field)
            }
            if let value {
                self[field] = value
            } else if !field.isNullable {
                throw ImageError.invalidField(field.rawValue, "is required")
            }
        }
    }

    /// Reads a message in the LIMS legacy format: the bare image JSON, no envelope. Unknown
    /// members (LIMS's `_id`, say) are ignored; `version` is left at 0 for the caller to set.
    public init(legacyMessage bytes: [UInt8]) throws(ImageError) {
        try self.init(recordJSON: FieldReader(body: bytes, allowed: nil, name: "message"), version: 0)
    }

    /// The instant a legacy message is ordered by: `updated_at`, or `created_at` for a record
    /// never updated.
    public var lastChangedAt: Timestamp { updatedAt ?? createdAt }
}
