import Kafka

/// A message the consumer cannot apply, bound for the dead-letter topic: the original key,
/// value and headers, plus headers that say why and where it came from.
struct DeadLetter: Sendable {
    enum Header {
        static let reason = "dlq-reason"
        static let topic = "dlq-original-topic"
        static let partition = "dlq-original-partition"
        static let offset = "dlq-original-offset"
    }

    let message: KafkaMessage
    let reason: String

    func outgoing(to topic: String) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: topic, key: message.key, value: message.value, headers: message.headers + [
            KafkaHeader(name: Header.reason, string: reason),
            KafkaHeader(name: Header.topic, string: message.topic),
            KafkaHeader(name: Header.partition, string: String(message.partition)),
            KafkaHeader(name: Header.offset, string: String(message.offset)),
        ])
    }
}
