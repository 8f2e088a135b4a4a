import JSON

extension Image {
    /// Writes the LIMS image JSON: `id`, then every `ImageField` in LIMS order, `data` as
    /// lowercase hex; with `dataLength`, `data_bytes` (the JPEG's length) instead, for an event
    /// of schema 2 that carries the JPEG itself after the JSON.
    public func write(to writer: inout JSONWriter, dataLength: Bool = false) {
        writer.object { w in
            w.key("id"); w.int(id)
            for field in ImageField.allCases {
                if field == .data, dataLength {
                    w.key("data_bytes"); w.int(Int64(data.count))
                } else {
                    w.key(field.rawValue); w.write(self[field])
                }
            }
        }
    }

    /// The LIMS image JSON as bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: data.count * 2 + 320)
        write(to: &writer)
        return writer.bytes
    }
}

extension JSONWriter {
    /// A field's value as the LIMS JSON has it: JPEG bytes as hex, coordinates as
    /// `[latitude, longitude]`, times as ISO-8601 text.
    mutating func write(_ value: ImageFieldValue) {
        switch value {
        case .integer(let int): self.int(int)
        case .bytes(let bytes): hexString(bytes)
        case .coordinates(let gps): array { a in a.double(gps.latitude); a.double(gps.longitude) }
        case .timestamp(let time): string(time.description)
        case .boolean(let bool): self.bool(bool)
        case .text(let text): string(text)
        case .number(let number): double(number)
        case .null: null()
        }
    }
}
