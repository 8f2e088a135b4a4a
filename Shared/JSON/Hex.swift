/// Lowercase hex encoding and strict decoding of bytes (LIMS sends image data as hex).
public enum Hex {
    /// Appends the hex form of `data`. This runs over every image of every response (~40 KB
    /// each), so the digits are computed, not looked up: the compiler vectorizes this loop
    /// (3× a table of digit pairs, ~9 GB/s against ~2.7; docs/benchmarks.md).
    public static func append(_ data: [UInt8], to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: data.count * 2))
        output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                guard let base = out.baseAddress.map({ $0 + start }) else { return }
                for index in input.indices {
                    base[2 * index] = digit(input[index] &>> 4)
                    base[2 * index + 1] = digit(input[index] & 0x0F)
                }
            }
        }
    }

    /// The lowercase digit of a nibble, without a branch the vectorizer would stop at.
    @inline(__always) static func digit(_ nibble: UInt8) -> UInt8 {
        nibble &+ UInt8(ascii: "0") &+ (nibble > 9 ? UInt8(ascii: "a") - UInt8(ascii: "0") - 10 : 0)
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
