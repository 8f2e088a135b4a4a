import ImageModel
import Kafka
@testable import StreamSync
import Testing

/// A dead letter always fits its topic: what a foreign producer made too large is cut, and the
/// headers say what was cut.
@Suite struct DeadLetterFittingTests {
    static func message(value: Int, key: Int = 4, headers: Int = 0) -> KafkaMessage {
        KafkaMessage(topic: "potato", partition: 2, offset: 77, key: Array(repeating: 0x31, count: key),
                     value: Array(repeating: 0x41, count: value),
                     headers: (0..<headers).map { KafkaHeader(name: "h\($0)", value: Array(repeating: 0x42, count: 1000)) }, timestamp: nil)
    }

    static func size(_ outgoing: KafkaOutgoingMessage) -> Int {
        (outgoing.key?.count ?? 0) + (outgoing.value?.count ?? 0) + outgoing.headers.reduce(0) { $0 + $1.name.utf8.count + ($1.value?.count ?? 0) }
    }

    static func header(_ outgoing: KafkaOutgoingMessage, _ name: String) -> String? {
        outgoing.headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aSmallMessageTravelsWhole() {
        let outgoing = DeadLetter(message: Self.message(value: 100), reason: "bad").outgoing(to: "dlq")
        #expect(outgoing.value?.count == 100 && outgoing.key?.count == 4 && Self.header(outgoing, "dlq-reason") == "bad")
        #expect(Self.header(outgoing, "dlq-value-truncated") == nil && Self.header(outgoing, "dlq-original-offset") == "77")
    }

    @Test(arguments: [(5_000_000, 4, 0), (1_200_000, 50_000, 0), (1_125_000, 4, 200), (EventLimits.maxMessageBytes, 4, 10)])
    func anOversizedMessageIsCutToFitAndSaysSo(value: Int, key: Int, headers: Int) {
        let message = Self.message(value: value, key: key, headers: headers)
        let outgoing = DeadLetter(message: message, reason: String(repeating: "r", count: 10_000)).outgoing(to: "dlq")
        #expect(Self.size(outgoing) <= EventLimits.maxMessageBytes - 4096, "\(Self.size(outgoing)) bytes")
        #expect(Self.header(outgoing, "dlq-value-truncated") == String(value))
        #expect(message.value?.starts(with: outgoing.value ?? []) == true)
        #expect((Self.header(outgoing, "dlq-reason")?.utf8.count ?? 0) <= DeadLetter.maxReasonBytes)
        if key > DeadLetter.maxKeyBytes { #expect(Self.header(outgoing, "dlq-key-truncated") == String(key)) }
        if headers * 1002 > DeadLetter.maxHeaderBytes { #expect(Self.header(outgoing, "dlq-headers-dropped") == String(headers)) }
    }
}
