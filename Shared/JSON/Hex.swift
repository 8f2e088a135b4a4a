/// Lowercase hex encoding and strict decoding of bytes (LIMS sends image data as hex).
public enum Hex {
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func append(_ data: some Collection<UInt8>, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + data.count * 2)
        for byte in data {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
    }

    public static func encode(_ data: some Collection<UInt8>) -> String {
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
