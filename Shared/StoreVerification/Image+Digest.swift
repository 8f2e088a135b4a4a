import ImageModel
import Primitives

extension Image {
    /// A 64-bit FNV-1a digest of `id` and every `ImageField` (not `version`), the same for
    /// equal records in any store. Each field is hashed with a tag and a fixed-size or
    /// length-prefixed encoding, and a nullable field with a presence byte, so no two different
    /// records share an encoding.
    public var verificationDigest: UInt64 {
        var hash = FNV1a64()
        hash.combine(tag: "id")
        hash.combine(UInt64(bitPattern: id))
        for field in ImageField.allCases {
            hash.combine(tag: field.rawValue)
            let value = self[field]
            if field.isNullable { hash.combine(value == .null ? 0 : 1 as UInt8) }
            switch value {
            case .integer(let int): hash.combine(UInt64(bitPattern: int))
            case .bytes(let bytes): hash.combine(lengthPrefixed: bytes)
            case .coordinates(let gps):
                hash.combine(gps.latitude.bitPattern)
                hash.combine(gps.longitude.bitPattern)
            case .timestamp(let time): hash.combine(UInt64(bitPattern: time.millisecondsSinceEpoch))
            case .boolean(let bool): hash.combine(bool ? 1 : 0 as UInt8)
            case .text(let text): hash.combine(lengthPrefixed: Array(text.utf8))
            case .number(let number): hash.combine(number.bitPattern)
            case .null: break
            }
        }
        return hash.value
    }
}

extension FNV1a64 {
    /// A field's name, length first.
    fileprivate mutating func combine(tag: String) {
        combine(UInt8(truncatingIfNeeded: tag.utf8.count))
        combine(tag.utf8)
    }
}
