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
}
