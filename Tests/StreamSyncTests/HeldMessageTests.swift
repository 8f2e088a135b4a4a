import ImageModel
import Kafka
@testable import StreamSync
import TestSupport
import Testing

/// A decoded create's JPEG is held once, in its change, and every message comes back whole,
/// byte for byte, for a dead letter or a second decode.
@Suite struct HeldMessageTests {
    let topics = SyncTopics(prefix: "held-")

    func polled(_ value: [UInt8]?) -> KafkaMessage {
        KafkaMessage(topic: "held-potato", partition: 1, offset: 42, key: Array("9".utf8), value: value,
                     headers: [KafkaHeader(name: "h", value: [1, 2])], timestamp: nil)
    }

    @Test func aCreatesJPEGIsTheChangesOwnArray() throws {
        let image = Image.make(id: 9, data: (0..<30_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let message = polled(ChangeEvent(created: image, plant: .potato, occurredAt: 1).envelope)
        let (held, change) = topics.decode(message, maxMessageBytes: EventLimits.maxMessageBytes)
        guard case .success(.event(let event)) = change, case .record(let decoded) = event.payload else {
            Issue.record("not decoded as a create: \(change)")
            return
        }
        #expect(decoded.data == image.data)
        let binary = try #require(held.binary)
        #expect(binary.withUnsafeBufferPointer { $0.baseAddress } == decoded.data.withUnsafeBufferPointer { $0.baseAddress })
        #expect((held.message.value?.count ?? 0) < 1_000, "the JSON part alone")
        #expect(held.original == message)
        #expect(held.byteCount == 1 + (message.value?.count ?? 0))
    }

    @Test(arguments: [[UInt8]]([
        Array(#"{"id": 9, "camera_id": 1}"#.utf8),                                     // LIMS legacy: no binary part
        ChangeEvent(op: .update, plant: .potato, imageID: 9, version: 2, occurredAt: 1,
                    payload: .patch(ImagePatch(cameraID: 3, updatedAt: Timestamp(millisecondsSinceEpoch: 1)))).envelope,
        Array(#"{"schema_version": 2}"#.utf8) + [0, 0xFF, 0xD8],                       // invalid, with a binary part
        [0, 0, 0],
        [],
    ]))
    func anyOtherMessageIsHeldAsPolled(value: [UInt8]) {
        let message = polled(value)
        let (held, _) = topics.decode(message, maxMessageBytes: EventLimits.maxMessageBytes)
        #expect(held.binary == nil)
        #expect(held.original == message && held.message == message)
        #expect(held.byteCount == 1 + value.count)
    }

    @Test func aMessageWithoutValueOrTooLargeIsHeldAsPolled() {
        for (message, limit) in [(polled(nil), 100), (polled(Array(repeating: 0x41, count: 101)), 100)] {
            let (held, change) = topics.decode(message, maxMessageBytes: limit)
            #expect(held.original == message && held.binary == nil)
            if case .success = change { Issue.record("decoded \(message)") }
        }
    }
}
