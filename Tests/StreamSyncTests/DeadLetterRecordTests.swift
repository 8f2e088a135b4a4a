import ImageModel
import Kafka
@testable import StreamSync
import Testing

/// Dead letters read back: what the headers say, and which letters a filter chooses.
@Suite struct DeadLetterRecordTests {
    let topics = SyncTopics(prefix: "t-")

    /// The letter the consumer writes for `original`, as the dead-letter topic hands it back.
    func letter(_ original: KafkaMessage, reason: String, partition: Int32 = 0, offset: Int64 = 5, at millis: Int64 = 1_700_000_000_000) -> KafkaMessage {
        let outgoing = DeadLetter(message: original, reason: reason).outgoing(to: "dlq")
        return KafkaMessage(topic: "dlq", partition: partition, offset: offset, key: outgoing.key, value: outgoing.value,
                            headers: outgoing.headers, timestamp: KafkaTimestamp(kind: .created, millisecondsSinceEpoch: millis))
    }

    func original(topic: String = "t-potato", value: [UInt8] = Array("{}".utf8), headers: [KafkaHeader] = []) -> KafkaMessage {
        KafkaMessage(topic: topic, partition: 2, offset: 41, key: Array("7".utf8), value: value, headers: headers, timestamp: nil)
    }

    @Test func theOriginalMessageComesBackWithItsOwnHeadersOnly() {
        let source = original(headers: [KafkaHeader(name: "trace", string: "abc")])
        let record = DeadLetterRecord(letter(source, reason: "bad field"))
        #expect(record.reason == "bad field" && record.id == "0:5" && record.truncatedFrom == nil)
        #expect(record.original == source)
        #expect(record.deadLetteredAt == Timestamp(millisecondsSinceEpoch: 1_700_000_000_000))
    }

    @Test func aLetterWithoutOurHeadersHasNoOrigin() {
        let record = DeadLetterRecord(KafkaMessage(topic: "dlq", partition: 0, offset: 1, key: nil, value: [1],
                                                   headers: [KafkaHeader(name: "dlq-original-offset", string: "x")], timestamp: nil))
        #expect(record.original == nil && record.reason == "(no reason header)")
        #expect(!DeadLetterFilter(plant: .potato).matches(record, topics: topics))
        #expect(DeadLetterFilter().matches(record, topics: topics))
    }

    @Test func aCutLetterSaysHowLargeTheOriginalWas() {
        let record = DeadLetterRecord(letter(original(value: Array(repeating: 0x20, count: 2_000_000)), reason: "too large"))
        #expect(record.truncatedFrom == 2_000_000 && (record.original?.value?.count ?? 0) < 2_000_000)
    }

    @Test func everyConditionOfAFilterMustHold() {
        let record = DeadLetterRecord(letter(original(topic: "t-tomato"), reason: "The consumer DB REFUSED the write", partition: 1, offset: 9))
        let at = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        let later = Timestamp(millisecondsSinceEpoch: 1_700_000_000_001)
        #expect(DeadLetterFilter(reason: "refused").matches(record, topics: topics))
        #expect(!DeadLetterFilter(reason: "decode").matches(record, topics: topics))
        #expect(DeadLetterFilter(topic: "t-tomato", plant: .tomato).matches(record, topics: topics))
        #expect(!DeadLetterFilter(topic: "t-tomato", plant: .potato).matches(record, topics: topics))
        #expect(DeadLetterFilter(since: at, until: later).matches(record, topics: topics))
        #expect(!DeadLetterFilter(since: later).matches(record, topics: topics))
        #expect(!DeadLetterFilter(until: at).matches(record, topics: topics))
        #expect(DeadLetterFilter(ids: ["1:9", "0:3"]).matches(record, topics: topics))
        #expect(!DeadLetterFilter(ids: ["0:9"]).matches(record, topics: topics))
        #expect(DeadLetterFilter().isEmpty && !DeadLetterFilter(ids: ["0:1"]).isEmpty)
    }
}
