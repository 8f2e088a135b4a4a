import JSON

// The JSON envelope of schema version 1:
// {"schema_version":1,"event_id":"potato-12-3","op":"update","plant":"potato","image_id":12,
//  "version":3,"occurred_at":1763906400123456,"payload":{"is_active":true,"updated_at":"…"}}
extension ChangeEvent {
    /// Kafka header names; the values are `op`, `schemaVersion` and `contentType`.
    public enum Header {
        public static let op = "op"
        public static let schemaVersion = "schema-version"
        public static let contentType = "content-type"
        public static let eventID = "event-id"
    }

    public static let contentType = "application/json"

    /// The headers of an event message, as (name, value).
    static func headers(op: ChangeOperation, eventID: String) -> [(name: String, value: String)] {
        [(Header.op, op.rawValue), (Header.schemaVersion, String(Self.schemaVersion)),
         (Header.contentType, Self.contentType), (Header.eventID, eventID)]
    }

    /// The message key of a record's changes: its id in decimal, so every change of a record
    /// lands in one partition, in order.
    static func key(imageID: Int64) -> [UInt8] { Array(String(imageID).utf8) }

    /// The envelope as JSON bytes.
    public var envelope: [UInt8] {
        var capacity = 320
        if case .record(let image) = payload { capacity += image.data.count * 2 }
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.object { w in
            w.key("schema_version"); w.int(Self.schemaVersion)
            w.key("event_id"); w.string(eventID)
            w.key("op"); w.string(op.rawValue)
            w.key("plant"); w.string(plant.rawValue)
            w.key("image_id"); w.int(imageID)
            w.key("version"); w.int(version)
            w.key("occurred_at"); w.int(occurredAt)
            w.key("payload")
            switch payload {
            case .record(let image): image.write(to: &w)
            case .patch(let patch): patch.write(to: &w)
            }
        }
        return writer.bytes
    }

    static let envelopeKeys: Set<String> = ["schema_version", "event_id", "op", "plant", "image_id", "version",
                                                    "occurred_at", "payload"]

    /// Decodes and validates an envelope.
    /// - Throws: `ImageError.invalidField` naming the offending field: the reason a message is
    ///   dead-lettered.
    public init(envelope bytes: [UInt8]) throws(ImageError) {
        try self.init(envelope: FieldReader(body: bytes, allowed: Self.envelopeKeys, name: "message"))
    }

    init(envelope reader: FieldReader) throws(ImageError) {
        let schema = try reader.int64("schema_version", min: 0).required("schema_version")
        guard schema == Self.schemaVersion else {
            throw ImageError.invalidField("schema_version", "unsupported version \(schema); this consumer reads \(Self.schemaVersion)")
        }
        _ = try reader.string("event_id", maxLength: 200).required("event_id")
        let opText = try reader.string("op", maxLength: 20).required("op")
        guard let op = ChangeOperation(rawValue: opText) else {
            throw ImageError.invalidField("op", "must be create, update, delete or repair, not \"\(opText)\"")
        }
        let plant = try Plant(validating: try reader.string("plant", maxLength: 40).required("plant"))
        let imageID = try reader.int64("image_id", min: 1).required("image_id")
        let version = try reader.int64("version", min: 1).required("version")
        let occurredAt = try reader.int64("occurred_at", min: 0).required("occurred_at")
        guard let payloadValue = reader.value("payload") else { throw ImageError.invalidField("payload", "is required") }
        let payload: Payload
        switch op {
        case .create, .repair:
            let image = try Image(recordJSON: FieldReader(value: payloadValue, allowed: Image.recordKeys, name: "payload"),
                                  version: version)
            guard image.id == imageID else {
                throw ImageError.invalidField("payload.id", "is \(image.id) but image_id is \(imageID)")
            }
            payload = .record(image)
        case .update, .delete:
            let patch = try ImagePatch(json: FieldReader(value: payloadValue, allowed: ImagePatch.keys, name: "payload"))
            if op == .delete, patch.isDeleted != true {
                throw ImageError.invalidField("payload.is_deleted", "must be true in a delete")
            }
            payload = .patch(patch)
        }
        self.init(op: op, plant: plant, imageID: imageID, version: version, occurredAt: occurredAt, payload: payload)
    }
}

extension ImagePatch {
    static let keys: Set<String> = ["camera_id", "gps_coordinates", "disease", "percentage", "is_active", "is_deleted",
                                    "updated_at"]

    func write(to writer: inout JSONWriter) {
        writer.object { w in
            if let cameraID { w.key("camera_id"); w.int(cameraID) }
            if let gpsCoordinates {
                w.key("gps_coordinates")
                w.array { a in a.double(gpsCoordinates.latitude); a.double(gpsCoordinates.longitude) }
            }
            if let disease { w.key("disease"); w.string(disease) }
            if let percentage { w.key("percentage"); w.double(percentage) }
            if let isActive { w.key("is_active"); w.bool(isActive) }
            if let isDeleted { w.key("is_deleted"); w.bool(isDeleted) }
            if let updatedAt { w.key("updated_at"); w.string(updatedAt.description) }
        }
    }

    init(json reader: FieldReader) throws(ImageError) {
        self.init(cameraID: try reader.int64("camera_id", min: 1),
                  gpsCoordinates: try reader.gps("gps_coordinates"),
                  disease: try reader.string("disease", maxLength: 200),
                  percentage: try reader.double("percentage", in: 0...1),
                  isActive: try reader.bool("is_active"),
                  isDeleted: try reader.bool("is_deleted"),
                  updatedAt: try reader.timestamp("updated_at").required("updated_at"))
    }
}

extension Image {
    /// The members of the LIMS image JSON.
    static let recordKeys: Set<String> = ["id", "camera_id", "data", "gps_coordinates", "created_at", "updated_at",
                                          "is_active", "is_deleted", "disease", "percentage"]

    /// Reads a whole record in the LIMS image JSON (`updated_at`, `disease`, `percentage` may be null).
    init(recordJSON reader: FieldReader, version: Int64) throws(ImageError) {
        self.init(id: try reader.int64("id", min: 1).required("id"),
                  cameraID: try reader.int64("camera_id", min: 1).required("camera_id"),
                  data: try reader.hexData("data", maxBytes: EventLimits.maxImageBytes).required("data"),
                  gpsCoordinates: try reader.gps("gps_coordinates").required("gps_coordinates"),
                  createdAt: try reader.timestamp("created_at").required("created_at"),
                  updatedAt: try reader.timestamp("updated_at"),
                  isActive: try reader.bool("is_active").required("is_active"),
                  isDeleted: try reader.bool("is_deleted").required("is_deleted"),
                  disease: try reader.string("disease", maxLength: 200),
                  percentage: try reader.double("percentage", in: 0...1),
                  version: version)
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
