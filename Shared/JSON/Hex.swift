/// Lowercase hex encoding and strict decoding of bytes (LIMS sends image data as hex).
public enum Hex {
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Every byte's two digits as one little-endian `UInt16`, so encoding stores both at once.
    private static let pairs: [UInt16] = (0..<256).map { UInt16(digits[$0 >> 4]) | UInt16(digits[$0 & 0x0F]) << 8 }

    /// Appends the hex form of `data`. Works on raw buffers, a digit pair per store: this runs
    /// over every image of every response (~40 KB each), where a generic byte-by-byte loop cost
    /// more than the database and the socket together (docs/benchmarks.md).
    public static func append(_ data: [UInt8], to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: data.count * 2))
        output.withUnsafeMutableBytes { out in
            data.withUnsafeBufferPointer { input in
                pairs.withUnsafeBufferPointer { table in
                    var offset = start
                    for byte in input {
                        out.storeBytes(of: table[Int(byte)].littleEndian, toByteOffset: offset, as: UInt16.self)
                        offset += 2
                    }
                }
            }
        }
    }

    public static func encode(_ data: [UInt8]) -> String {
        var output: [UInt8] = []
        append(data, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hex text of either case; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count / 2)
        var iterator = utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = hexDigitValue(high), let l = hexDigitValue(low) else { return nil }
            output.append(h << 4 | l)
        }
        return output
    }
}
