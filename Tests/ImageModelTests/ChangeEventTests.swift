import ImageModel
import Testing

@Suite struct ChangeEventTests {
    let created = Image(id: 7, cameraID: 3, data: [0xFF, 0xD8, 0x00, 0x7F], gpsCoordinates: GPSCoordinates(latitude: 48.5, longitude: -16.25),
                        createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_123), updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_123))

    @Test func createCarriesTheWholeRecordAndRoundTrips() throws {
        let event = ChangeEvent(created: created, plant: .tomato, occurredAt: 1_700_000_000_123_456)
        let decoded = try ChangeEvent(envelope: event.envelope)
        #expect(decoded == event)
        #expect(decoded.eventID == "tomato-7-1" && decoded.op == .create)
        let text = String(decoding: event.envelope(schemaVersion: 1), as: UTF8.self)
        #expect(text.hasPrefix(#"{"schema_version":1,"event_id":"tomato-7-1","op":"create","plant":"tomato","image_id":7,"version":1,"occurred_at":1700000000123456,"payload":{"id":7,"camera_id":3,"data":"ffd8007f""#))
        #expect(try ChangeEvent(envelope: event.envelope(schemaVersion: 1)) == event)
    }

    /// Schema 2: the JSON of schema 1 with `data_bytes` for `data`, then a NUL byte and the JPEG
    /// as it is (NUL bytes in it included), so a create costs its JPEG plus a fixed overhead.
    @Test func aSchema2CreateCarriesItsJPEGAsBytesAfterTheJSON() throws {
        let event = ChangeEvent(created: created, plant: .tomato, occurredAt: 1_700_000_000_123_456)
        let v1 = event.envelope(schemaVersion: 1), v2 = event.envelope
        #expect(ChangeEvent.schemaVersion == 2 && ChangeEvent.schemaVersion(ofEnvelope: v2) == 2 && ChangeEvent.schemaVersion(ofEnvelope: v1) == 1)
        let nul = try #require(v2.firstIndex(of: 0))
        let json = String(decoding: v2[..<nul], as: UTF8.self)
        #expect(json.hasPrefix(#"{"schema_version":2,"event_id":"tomato-7-1","op":"create","plant":"tomato","image_id":7,"version":1,"occurred_at":1700000000123456,"payload":{"id":7,"camera_id":3,"data_bytes":4,"#))
        #expect(!json.contains(#""data":"#) && Array(v2[(nul + 1)...]) == created.data)
        // The hex went, one NUL byte and a length field came.
        #expect(v2.count == v1.count - 2 * created.data.count - #""data":"""#.utf8.count + #""data_bytes":4"#.utf8.count + 1 + created.data.count)
        #expect(try ChangeEvent(envelope: v2) == event)
        #expect(try IncomingChange(message: v2, topicPlant: .tomato) == .event(event))
        let largest = Image(id: 1, cameraID: 1, data: Array(repeating: 0, count: EventLimits.maxImageBytes),
                            gpsCoordinates: created.gpsCoordinates, createdAt: created.createdAt, updatedAt: nil)
        let big = ChangeEvent(created: largest, plant: .potato, occurredAt: 1)
        #expect(big.envelope.count < largest.data.count + 400, "the largest JPEG plus at most 400 bytes: \(big.envelope.count)")
        #expect(try ChangeEvent(envelope: big.envelope) == big)
    }

    @Test func schema2UpdatesDeletesAndRepairsRoundTripAndItsHeadersSayItsSchema() throws {
        let (next, changed) = created.applying(ImageUpdate(id: 7, disease: "Leaf Mold"), at: Timestamp(millisecondsSinceEpoch: 1_700_000_100_000))
        let (deleted, removed) = next.softDeleted(at: Timestamp(millisecondsSinceEpoch: 1_700_000_200_000))
        let events = [ChangeEvent(changed: changed, of: next, plant: .potato, occurredAt: 2),
                      ChangeEvent(changed: removed, of: deleted, plant: .potato, occurredAt: 3),
                      ChangeEvent(repaired: try #require(deleted.republished(above: 5)), plant: .potato, occurredAt: 4)]
        for event in events {
            for schema in ChangeEvent.schemaVersions {
                #expect(try ChangeEvent(envelope: event.envelope(schemaVersion: schema)) == event, "\(event.op) in schema \(schema)")
                let headers = Dictionary(uniqueKeysWithValues: OutboxEntry(event, schemaVersion: schema).headers.map { ($0.name, $0.value) })
                #expect(headers["schema-version"] == String(schema) && headers["op"] == event.op.rawValue)
                #expect(headers["content-type"] == (schema == 1 ? "application/json" : "application/vnd.leafsync.event-v2"))
            }
        }
        #expect(events[0].envelope(schemaVersion: 2).firstIndex(of: 0) == nil, "an update has no binary part")
    }

    /// Within schema 2 a producer may add members; a reader ignores those it does not know.
    /// Schema 1 never gains any: its readers refuse them.
    @Test func schema2ReadersIgnoreMembersTheyDoNotKnowAndSchema1ReadersRefuseThem() throws {
        let update = #""event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"is_active":true,"updated_at":"2023-01-01T00:00:00"#
        let v2 = try ChangeEvent(envelope: Array((#"{"schema_version":2,"trace_id":"abc","# + update + #"","colour":"green"}}"#).utf8))
        #expect(v2.payload == .patch(ImagePatch(isActive: true, updatedAt: Timestamp(iso8601: "2023-01-01T00:00:00"))))
        #expect { try ChangeEvent(envelope: Array((#"{"schema_version":1,"trace_id":"abc","# + update + #""}}"#).utf8)) } throws: {
            ($0 as? ImageError)?.field == "trace_id"
        }
    }

    @Test(arguments: [
        // A create without its JPEG, with a length that is not the JPEG's, with hex besides, empty.
        (#"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":RECORD}"#, "message"),
        (#"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":RECORD}\#u{0}\#u{FF}"#, "data_bytes"),
        (#"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":RECORD}\#u{0}\#u{FF}\#u{D8}\#u{FF}"#, "data_bytes"),
        (#"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":HEXRECORD}\#u{0}\#u{FF}\#u{D8}"#, "data"),
        (#"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":ZERORECORD}\#u{0}"#, "data_bytes"),
        // A binary part where none belongs: after an update, in schema 1, after a legacy message.
        (#"{"schema_version":2,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"is_active":true,"updated_at":"2023-01-01T00:00:00"}}\#u{0}\#u{FF}"#, "message"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"is_active":true,"updated_at":"2023-01-01T00:00:00"}}\#u{0}"#, "message"),
        (#"{"id":1,"camera_id":1,"data":"ffd8","gps_coordinates":[1,2],"created_at":"2023-01-01T00:00:00","is_active":true,"is_deleted":false}\#u{0}\#u{FF}"#, "message"),
        // A NUL inside the JSON cuts it short; a newer schema says to upgrade.
        (#"{"schema_version":2,"event_id":"x\#u{0}","op":"update"}"#, "message"),
        (#"{"schema_version":3,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{}}"#, "schema_version"),
    ])
    func malformedSchema2MessagesNameTheField(text: String, field: String) {
        let record = #"{"id":1,"camera_id":1,"gps_coordinates":[1,2],"created_at":"2023-01-01T00:00:00","is_active":true,"is_deleted":false,"data_bytes":2}"#
        let message = text.replacingOccurrences(of: "HEXRECORD", with: record.replacingOccurrences(of: #""data_bytes""#, with: #""data":"ffd8","data_bytes""#))
            .replacingOccurrences(of: "ZERORECORD", with: record.replacingOccurrences(of: #""data_bytes":2"#, with: #""data_bytes":0"#))
            .replacingOccurrences(of: "RECORD", with: record)
        // One byte per scalar: U+00FF is the byte 0xFF.
        let bytes = message.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect { try IncomingChange(message: bytes, topicPlant: .potato) } throws: { error in
            guard let error = error as? ImageError, error.field == field else { return false }
            return field != "schema_version" || error.message.contains("upgrade")
        }
    }

    @Test func aSchema2JPEGOverTheLimitIsTooLarge() {
        let json = #"{"schema_version":2,"event_id":"x","op":"create","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":{"id":1,"camera_id":1,"gps_coordinates":[1,2],"created_at":"2023-01-01T00:00:00","is_active":true,"is_deleted":false,"data_bytes":\#(EventLimits.maxImageBytes + 1)}}"#
        let bytes = Array(json.utf8) + [0] + Array(repeating: 0xFF, count: EventLimits.maxImageBytes + 1)
        #expect { try ChangeEvent(envelope: bytes) } throws: { ($0 as? ImageError)?.code == .tooLarge }
    }

    @Test func aRepairCarriesTheWholeRecordAsANewVersionAboveBothSides() throws {
        var changed = created
        changed.version = 4
        let repaired = try #require(changed.republished(above: 9))
        #expect(repaired.version == 10 && changed.republished(above: 2)?.version == 5)
        var last = created
        last.version = .max
        #expect(last.republished(above: 0) == nil && created.republished(above: .max) == nil)
        let event = ChangeEvent(repaired: repaired, plant: .pepper, occurredAt: 5)
        let decoded = try ChangeEvent(envelope: event.envelope)
        #expect(decoded == event && decoded.op == .repair && decoded.eventID == "pepper-7-10")
        #expect(decoded.payload == .record(repaired))
        // The consumer takes it over any older state, like a create.
        let plan = ReplicaPlan(changes: [.event(decoded)], states: [.pepper: [7: ReplicaState(version: 9, lastChangedAt: created.createdAt)]])
        #expect(plan.outcomes == [.applied] && plan.writes == [.upsert(.pepper, repaired)])
    }

    @Test func aPurgeNamesTheVersionItRemovesAndRoundTripsInSchema2() throws {
        let event = ChangeEvent(purging: 9_000_000, plant: .tomato, removing: 4, occurredAt: 7)
        #expect(event.envelope(schemaVersion: 1) == event.envelope(schemaVersion: 2))
        let envelope = event.envelope(schemaVersion: 1)
        #expect(ChangeEvent.schemaVersion(ofEnvelope: envelope) == 2)
        #expect(!envelope.contains(0), "a purge has no binary part")
        let decoded = try ChangeEvent(envelope: envelope)
        #expect(decoded == event && decoded.op == .purge && decoded.version == 0 && decoded.payload == .removal(version: 4))
    }

    @Test(arguments: [
        // A purge with a version of its own, without the version it removes, with a negative one,
        // with a JPEG, in schema 1.
        (#"{"schema_version":2,"event_id":"x","op":"purge","plant":"potato","image_id":1,"version":3,"occurred_at":1,"payload":{"version":3}}"#, "version"),
        (#"{"schema_version":2,"event_id":"x","op":"purge","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{}}"#, "payload.version"),
        (#"{"schema_version":2,"event_id":"x","op":"purge","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{"version":-1}}"#, "version"),
        (#"{"schema_version":2,"event_id":"x","op":"purge","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{"version":1}}\#u{0}\#u{FF}"#, "message"),
        (#"{"schema_version":1,"event_id":"x","op":"purge","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{"version":1}}"#, "op"),
        // Version 0 belongs to purges only.
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{"is_active":true,"updated_at":"2023-01-01T00:00:00"}}"#, "version"),
    ])
    func malformedPurgesNameTheField(text: String, field: String) {
        let bytes = text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect { try IncomingChange(message: bytes, topicPlant: .potato) } throws: { ($0 as? ImageError)?.field == field }
    }

    @Test func updateCarriesOnlyTheChangedFieldsAndNoData() throws {
        let (next, changed) = created.applying(ImageUpdate(id: 7, disease: "Leaf Mold", percentage: 0.5, isActive: true),
                                               at: Timestamp(millisecondsSinceEpoch: 1_700_000_100_000))
        let event = ChangeEvent(changed: changed, of: next, plant: .tomato, occurredAt: 1)
        #expect(event.op == .update && event.version == 2)
        let text = String(decoding: event.envelope, as: UTF8.self)
        #expect(text.hasSuffix(#""payload":{"updated_at":"2023-11-14T22:15:00.000000","is_active":true,"disease":"Leaf Mold","percentage":0.5}}"#))
        #expect(try ChangeEvent(envelope: event.envelope) == event)
    }

    @Test func settingIsDeletedIsADelete() throws {
        let (deleted, changed) = created.softDeleted(at: Timestamp(millisecondsSinceEpoch: 1_700_000_200_000))
        let event = ChangeEvent(changed: changed, of: deleted, plant: .potato, occurredAt: 1)
        #expect(event.op == .delete)
        #expect(event.payload == .patch(ImagePatch(isDeleted: true, updatedAt: deleted.updatedAt)))
        #expect(try ChangeEvent(envelope: event.envelope) == event)
    }

    @Test(arguments: [
        (#"{"schema_version":1,"event_id":"x","op":"upsert","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":{}}"#, "op"),
        (#"{"schema_version":3,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":{}}"#, "schema_version"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"banana","image_id":1,"version":1,"occurred_at":1,"payload":{}}"#, "plant"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":0,"occurred_at":1,"payload":{"updated_at":"2023-01-01T00:00:00"}}"#, "version"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"percentage":7,"updated_at":"2023-01-01T00:00:00"}}"#, "percentage"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"is_active":true}}"#, "updated_at"),
        (#"{"schema_version":1,"event_id":"x","op":"delete","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"updated_at":"2023-01-01T00:00:00"}}"#, "payload.is_deleted"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1,"payload":{"data":"ff","updated_at":"2023-01-01T00:00:00"}}"#, "data"),
        (#"{"schema_version":1,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":2,"occurred_at":1}"#, "payload"),
        ("[1,2]", "message"),
        ("{not json", "message"),
    ])
    func invalidEnvelopesNameTheField(text: String, field: String) {
        #expect { try ChangeEvent(envelope: Array(text.utf8)) } throws: { ($0 as? ImageError)?.field == field }
    }

    @Test func legacyMessagesAreTheBareLIMSJSON() throws {
        var lims = created
        lims.disease = "Healthy"
        let change = try IncomingChange(message: lims.jsonBytes, topicPlant: .pepper)
        guard case .legacy(let plant, let image) = change else { Issue.record("not legacy: \(change)"); return }
        #expect(plant == .pepper && image.id == 7 && image.data == created.data && image.disease == "Healthy")
        // LIMS documents carry extra members such as `_id`; they are ignored.
        var withID = Array(#"{"_id":"652a","#.utf8)
        withID += lims.jsonBytes.dropFirst()
        #expect(try IncomingChange(message: withID, topicPlant: .pepper) == change)
    }

    @Test func anEnvelopeOnTheWrongTopicIsRejected() {
        let event = ChangeEvent(created: created, plant: .tomato, occurredAt: 1)
        #expect { try IncomingChange(message: event.envelope, topicPlant: .potato) } throws: { ($0 as? ImageError)?.field == "plant" }
    }
}
