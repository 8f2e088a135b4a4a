import JSON
import Testing

@Suite struct JSONWriterTests {
    @Test func writesNestedContainersWithCommas() {
        var writer = JSONWriter()
        writer.object { w in
            w.key("a"); w.int(1)
            w.key("b"); w.array { a in a.double(0.5); a.null(); a.bool(false); a.object { _ in } }
            w.key("c"); w.hexString([0x00, 0xAB, 0xFF])
            w.key("d"); w.optionalString(nil)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":1,"b":[0.5,null,false,{}],"c":"00abff","d":null}"#)
    }

    @Test func escapesStrings() {
        var writer = JSONWriter()
        writer.string("q\"b\\n\n\u{01}é")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""q\"b\\n\n\u0001é""#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"x":[1,2.25,-3e-7,"s",true,null,{"y":{}}],"z":"\t"}"#
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.serialized) == value)
    }

    @Test func nonFiniteDoublesBecomeNull() {
        var writer = JSONWriter()
        writer.array { a in a.double(.infinity); a.double(.nan) }
        #expect(writer.bytes == Array("[null,null]".utf8))
    }

    @Test func hexRoundTrips() {
        let bytes = (0...255).map(UInt8.init)
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(Hex.decode("ABcd") == [0xAB, 0xCD])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    /// Every byte value, at every length around the vectorized loop's 16- and 32-byte steps,
    /// appended after text already in the output.
    @Test func hexEncodesEveryByteInLowercase() {
        let expected = (0...255).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        #expect(Hex.encode((0...255).map(UInt8.init)) == expected.joined())
        for count in [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var output = Array("x".utf8)
            Hex.append(bytes, to: &output)
            #expect(output == Array(("x" + bytes.map { expected[Int($0)] }.joined()).utf8), "\(count) bytes")
        }
    }
}
