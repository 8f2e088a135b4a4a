import JSON

extension Image {
    /// Writes the LIMS image JSON: fields in LIMS order, `data` as lowercase hex; with
    /// `dataLength`, `data_bytes` (the JPEG's length) instead, for an event of schema 2 that
    /// carries the JPEG itself after the JSON.
    public func write(to writer: inout JSONWriter, dataLength: Bool = false) {
        writer.object { w in
            w.key("id"); w.int(id)
            w.key("camera_id"); w.int(cameraID)
            if dataLength {
                w.key("data_bytes"); w.int(Int64(data.count))
            } else {
                w.key("data"); w.hexString(data)
            }
            w.key("gps_coordinates"); w.array { a in a.double(gpsCoordinates.latitude); a.double(gpsCoordinates.longitude) }
            w.key("created_at"); w.string(createdAt.description)
            w.key("updated_at"); w.optionalString(updatedAt?.description)
            w.key("is_active"); w.bool(isActive)
            w.key("is_deleted"); w.bool(isDeleted)
            w.key("disease"); w.optionalString(disease)
            w.key("percentage"); w.optionalDouble(percentage)
        }
    }

    /// The LIMS image JSON as bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: data.count * 2 + 320)
        write(to: &writer)
        return writer.bytes
    }
}
