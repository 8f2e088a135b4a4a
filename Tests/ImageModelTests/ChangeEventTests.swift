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
        let text = String(decoding: event.envelope, as: UTF8.self)
        #expect(text.hasPrefix(#"{"schema_version":1,"event_id":"tomato-7-1","op":"create","plant":"tomato","image_id":7,"version":1,"occurred_at":1700000000123456,"payload":{"id":7,"camera_id":3,"data":"ffd8007f""#))
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

    @Test func updateCarriesOnlyTheChangedFieldsAndNoData() throws {
        let (next, changed) = created.applying(ImageUpdate(id: 7, disease: "Leaf Mold", percentage: 0.5, isActive: true),
                                               at: Timestamp(millisecondsSinceEpoch: 1_700_000_100_000))
        let event = ChangeEvent(changed: changed, of: next, plant: .tomato, occurredAt: 1)
        #expect(event.op == .update && event.version == 2)
        let text = String(decoding: event.envelope, as: UTF8.self)
        #expect(text.hasSuffix(#""payload":{"disease":"Leaf Mold","percentage":0.5,"is_active":true,"updated_at":"2023-11-14T22:15:00.000000"}}"#))
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
        (#"{"schema_version":2,"event_id":"x","op":"update","plant":"potato","image_id":1,"version":1,"occurred_at":1,"payload":{}}"#, "schema_version"),
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
