import Mongo
import Testing

@Suite struct BSONDocumentTests {
    @Test func everyTypeRoundTrips() throws {
        let nested: BSONDocument = ["inner": .string("x")]
        let document: BSONDocument = [
            "double": .double(-1.5), "string": .string("leaf ü 🌿"), "document": .document(nested),
            "array": .array([.double(48.476563), .double(16.585654), .null]), "binary": .binary([0, 1, 255]),
            "bool": .bool(true), "date": .dateTime(1_696_779_589_123), "null": .null,
            "int32": .int32(-7), "int64": .int64(Int64.max),
        ]
        #expect(document.elements.map(\.key) == ["double", "string", "document", "array", "binary", "bool",
                                                 "date", "null", "int32", "int64"])
        #expect(try document.double("double") == -1.5)
        #expect(try document.string("string") == "leaf ü 🌿")
        #expect(try document.document("document") == nested)
        #expect(try document.array("array") == [.double(48.476563), .double(16.585654), .null])
        #expect(try document.binary("binary") == [0, 1, 255])
        #expect(try document.bool("bool"))
        #expect(try document.dateTime("date") == 1_696_779_589_123)
        #expect(document["null"] == .null)
        #expect(try document.int32("int32") == -7)
        #expect(try document.int64("int64") == Int64.max)
        #expect(BSONDocument(document.elements) == document)
    }

    @Test func binaryOf50KBWithEveryByteValueIsExact() throws {
        #expect(Set(allByteValues50KB).count == 256)
        let document: BSONDocument = ["data": .binary(allByteValues50KB)]
        #expect(try document.binary("data") == allByteValues50KB)
    }

    @Test func edgeValuesSurvive() throws {
        let document: BSONDocument = [
            "empty": .string(""), "nul": .string("a\u{0}b"), "noBytes": .binary([]),
            "before1970": .dateTime(-86_400_000), "min": .int64(Int64.min), "operator": .string("{\"$gt\": 0}"),
        ]
        #expect(try document.string("empty") == "")
        #expect(try document.string("nul") == "a\u{0}b")
        #expect(try document.binary("noBytes") == [])
        #expect(try document.dateTime("before1970") == -86_400_000)
        #expect(try document.int64("min") == Int64.min)
        #expect(try document.string("operator") == "{\"$gt\": 0}")
    }

    @Test func nullAndAbsentAreDistinguishable() {
        let document: BSONDocument = ["disease": .null, "percentage": .double(0.5)]
        #expect(document.isNullOrAbsent("disease"))
        #expect(document.isNullOrAbsent("missing"))
        #expect(!document.isNullOrAbsent("percentage"))
        #expect(document["disease"] == .null)
        #expect(document["missing"] == nil)
    }

    @Test func typedReadersNameTheFieldOnMismatch() {
        let document: BSONDocument = ["id": .string("1")]
        #expect { try document.int64("id") } throws: { error in
            let error = error as? MongoError
            return error?.code == .unexpectedDocument && error?.message.contains("\"id\"") == true
                && error?.message.contains("string") == true
        }
        #expect { try document.bool("missing") } throws: { ($0 as? MongoError)?.message.contains("missing") == true }
    }

    @Test func integerReadersWidenInt32() throws {
        let document: BSONDocument = ["id": .int32(42), "lat": .int32(48)]
        #expect(try document.int64("id") == 42)
        #expect(try document.double("lat") == 48)
    }

    @Test func builderNestsDocuments() throws {
        let update = BSONDocument { builder in
            builder.appendDocument("$set") { set in
                set.append("camera_id", .int64(3))
                set.append("updated_at", .dateTime(5))
            }
        }
        #expect(try update.document("$set") == ["camera_id": .int64(3), "updated_at": .dateTime(5)])
        #expect(update.description.contains("camera_id"))
    }
}
