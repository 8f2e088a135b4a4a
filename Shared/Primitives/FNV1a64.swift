/// The 64-bit FNV-1a hash (Fowler–Noll–Vo): tiny, deterministic across processes and
/// platforms (unlike Swift's seeded `Hasher`): record digests in `verify`'s report, the disease
/// a simulated recognizer picks for an image, chart element ids. Not a cryptographic hash.
public struct FNV1a64: Sendable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    public init() {}

    public mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte) }
    }

    /// The eight bytes of `word`, little-endian, so the digest is the same on every platform.
    public mutating func combine(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { combine(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    /// Hashes the length before the bytes so adjacent variable-length fields cannot run into
    /// each other (`"ab","c"` and `"a","bc"` differ).
    public mutating func combine(lengthPrefixed bytes: some Collection<UInt8>) {
        combine(UInt64(bytes.count))
        combine(bytes)
    }
}

extension Sequence<UInt8> {
    /// The 64-bit FNV-1a hash of these bytes.
    public var fnv1a: UInt64 {
        var hash = FNV1a64()
        hash.combine(self)
        return hash.value
    }
}
