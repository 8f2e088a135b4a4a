@testable import JSON
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindKeepingOrderAndExactIntegers() throws {
        let value = try JSONParser.parse(#"{"b": [1, -2.5, 1e3, true, null], "a": "x\u00e9\n", "big": 9223372036854775807}"#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "big"])
        #expect(value["a"] == .string("xé\n"))
        #expect(value["big"] == .number(JSONNumber(text: "9223372036854775807")))
        guard case .array(let items)? = value["b"], case .number(let one) = items[0], case .number(let frac) = items[1] else {
            Issue.record("bad array"); return
        }
        #expect(one.int64 == 1 && one.isIntegerLiteral)
        #expect(frac.int64 == nil && !frac.isIntegerLiteral && frac.double == -2.5)
        #expect(items[3] == .bool(true) && items[4] == .null)
    }

    @Test func integerBeyondInt64IsKeptAsText() throws {
        guard case .number(let n) = try JSONParser.parse("9223372036854775808") else { Issue.record("not a number"); return }
        #expect(n.isIntegerLiteral && n.int64 == nil)
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83c\udf3f""#) == .string("🌿"))
    }

    /// Runs and escapes in every position: none, only escapes, at either end, back to back,
    /// between multi-byte characters.
    @Test(arguments: [
        (#""""#, ""), (#""plain""#, "plain"), (#""\n""#, "\n"), (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\tstart""#, "\tstart"), (#""end\u0041""#, "endA"), (#""é\u00e9é""#, "ééé"), (#""🌿\ud83c\udf3f🌿x""#, "🌿🌿🌿x"),
        (#""a\\\\b""#, "a\\\\b"),
    ])
    func stringsWithAndWithoutEscapes(json: String, expected: String) throws {
        #expect(try JSONParser.parse(json) == .string(expected))
    }

    /// Every string the writer makes (all escapes, control characters, any Unicode) parses back
    /// to itself, and a long run of escapes parses in one piece.
    @Test func writtenStringsParseBackToThemselves() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\"", "\\", "/", "\n", "\u{01}", "\u{1F}", "é", "€", "🌿", " ", "\u{7F}", "\u{2028}"]
        for length in [0, 1, 2, 7, 64, 1000] {
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            var writer = JSONWriter()
            writer.string(text)
            #expect(try JSONParser.parse(writer.bytes) == .string(text), "\(text.debugDescription)")
        }
        let escapes = "\"" + String(repeating: "\\n", count: 100_000) + "\""
        #expect(try JSONParser.parse(escapes) == .string(String(repeating: "\n", count: 100_000)))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "tru", "nul", "\"abc", "\"\u{01}\"",
        "{\"a\" 1}", "{a:1}", "[1 2]", "1 2", "\"\\x\"", "\"\\ud800\"", "// c\n1", "{\"a\":1,\"a\":2}", "NaN",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    /// Duplicate keys are refused however large the object: found by a scan while it is small,
    /// by hashing past `linearKeyLimit`, also for a key first seen before the switch.
    @Test(arguments: [2, JSONParser.linearKeyLimit - 1, JSONParser.linearKeyLimit, JSONParser.linearKeyLimit + 1, 200])
    func duplicateKeysAreRefusedAtAnySize(keys: Int) throws {
        let distinct = (0..<keys).map { "\"k\($0)\":\($0)" }
        let object = try JSONParser.parse("{" + distinct.joined(separator: ",") + "}")
        guard case .object(let members) = object else { Issue.record("not an object"); return }
        #expect(members.count == keys)
        for repeated in [0, keys / 2, keys - 1] {
            #expect(throws: JSONError.self, "k\(repeated) again after \(keys) keys") {
                try JSONParser.parse("{" + (distinct + ["\"k\(repeated)\":0"]).joined(separator: ",") + "}")
            }
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect((try? JSONParser.parse(fine)) != nil)
    }
}
