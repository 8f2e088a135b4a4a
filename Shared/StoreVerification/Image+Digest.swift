import ImageModel
import Primitives

extension Image {
    /// A 64-bit FNV-1a digest of every LIMS field (all of `ComparedField`, not `version`), the
    /// same for equal records in any store. Each field is hashed with a tag and a fixed-size or
    /// length-prefixed encoding, and optionals with a presence byte, so no two different records
    /// share an encoding.
    public var verificationDigest: UInt64 {
        var hash = FNV1a64()
        for field in ComparedField.allCases {
            hash.combine(UInt8(truncatingIfNeeded: field.rawValue.utf8.count))
            hash.combine(field.rawValue.utf8)
            switch field {
            case .id: hash.combine(UInt64(bitPattern: id))
            case .cameraID: hash.combine(UInt64(bitPattern: cameraID))
            case .data: hash.combine(lengthPrefixed: data)
            case .gpsCoordinates:
                hash.combine(gpsCoordinates.latitude.bitPattern)
                hash.combine(gpsCoordinates.longitude.bitPattern)
            case .createdAt: hash.combine(UInt64(bitPattern: createdAt.millisecondsSinceEpoch))
            case .updatedAt: hash.combineOptional(updatedAt) { $0.combine(UInt64(bitPattern: $1.millisecondsSinceEpoch)) }
            case .isActive: hash.combine(isActive ? 1 : 0 as UInt8)
            case .isDeleted: hash.combine(isDeleted ? 1 : 0 as UInt8)
            case .disease: hash.combineOptional(disease) { $0.combine(lengthPrefixed: Array($1.utf8)) }
            case .percentage: hash.combineOptional(percentage) { $0.combine($1.bitPattern) }
            }
        }
        return hash.value
    }
}

extension FNV1a64 {
    /// A presence byte, then the value if there is one.
    fileprivate mutating func combineOptional<T>(_ value: T?, _ combineValue: (inout FNV1a64, T) -> Void) {
        guard let value else { return combine(0 as UInt8) }
        combine(1 as UInt8)
        combineValue(&self, value)
    }
}
