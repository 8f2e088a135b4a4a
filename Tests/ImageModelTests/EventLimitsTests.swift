import ImageModel
import JSON
import Testing

/// The limits every hop derives from `EventLimits`: the largest record the API accepts makes an
/// event that fits, and a bigger JPEG is refused as too large before anything is written.
@Suite struct EventLimitsTests {
    /// The largest record: the largest JPEG, the largest numbers, and a disease of 200 control
    /// characters, each written as a six-byte escape.
    static let largest = Image(id: .max, cameraID: .max, data: Array(repeating: 0xFF, count: EventLimits.maxImageBytes),
                               gpsCoordinates: GPSCoordinates(latitude: -89.99999999999999, longitude: -179.99999999999997),
                               createdAt: Timestamp(iso8601: "9999-12-31T23:59:59.999")!, updatedAt: Timestamp(iso8601: "9999-12-31T23:59:59.999")!,
                               isActive: true, isDeleted: true, disease: String(repeating: "\u{1}", count: 200),
                               percentage: 0.12345678901234567, version: .max)

    @Test func theLargestRecordsEventsFit() throws {
        // Decoding them is left to the end-to-end test: a megabyte of JSON costs seconds of a
        // debug build's CPU, which the parallel suite's timing-sensitive tests feel.
        let event = ChangeEvent(created: Self.largest, plant: .potato, occurredAt: .max)
        let (create, hexCreate) = (event.envelope, event.envelope(schemaVersion: 1))
        let update = ChangeEvent(changed: ImageField.allCases, of: Self.largest, plant: .tomato, occurredAt: .max).envelope
        for value in [create, hexCreate, update, Self.largest.jsonBytes] {
            #expect(value.count <= EventLimits.maxEventBytes, "\(value.count) bytes")
        }
        // Schema 1 and the legacy format carry the JPEG as hex, schema 2 as it is.
        #expect(hexCreate.count > 2 * EventLimits.maxImageBytes && update.count < 4096)
        #expect(create.count > EventLimits.maxImageBytes && create.count < EventLimits.maxImageBytes + EventLimits.maxFieldBytes)
        #expect(EventLimits.maxEventBytes < EventLimits.maxMessageBytes)
    }

    @Test func aCreateWithTheLargestJPEGIsAcceptedAndOneByteMoreIsTooLarge() throws {
        func body(_ bytes: Int) -> [UInt8] {
            Array(#"{"camera_id":1,"gps_coordinates":[1,2],"data":"\#(String(repeating: "ab", count: bytes))"}"#.utf8)
        }
        #expect(try NewImage(json: body(EventLimits.maxImageBytes)).data?.count == EventLimits.maxImageBytes)
        let error = #expect(throws: ImageError.self) { try NewImage(json: body(EventLimits.maxImageBytes + 1)) }
        #expect(error?.code == .tooLarge && error?.field == "data")
        #expect(error?.message.contains("\(EventLimits.maxImageBytes)") == true)
    }

    @Test func stringLimitsCountUnicodeScalarsNotCharacters() throws {
        // One Character: "e" and 10,000 combining acute accents.
        let disease = "e" + String(repeating: "\u{301}", count: 10_000)
        #expect(disease.count == 1)
        let patch = #"{"disease":"\#(disease)","updated_at":"2023-01-01T00:00:00"}"#
        let envelope = #"{"schema_version":1,"event_id":"e","op":"update","plant":"potato","image_id":9,"version":2,"occurred_at":1,"payload":\#(patch)}"#
        let error = #expect(throws: ImageError.self) { try IncomingChange(message: Array(envelope.utf8), topicPlant: .potato) }
        #expect(error?.field == "disease")
    }

    @Test(arguments: [#"{"camera_id":1,"camera_id":2,"gps_coordinates":[1,2]}"#, #"{"camera_id":1,"gps_coordinates":[1,2],"gps_coordinates":[3,4]}"#])
    func duplicateKeysAreRefused(body: String) {
        let error = #expect(throws: ImageError.self) { try NewImage(json: Array(body.utf8)) }
        #expect(error?.message.contains("duplicate key") == true)
    }
}
