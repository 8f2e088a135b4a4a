import ImageModel
import Kafka

/// A message the consumer cannot apply, bound for the dead-letter topic: the original key,
/// value and headers, plus headers that say why and where it came from.
///
/// A dead letter always fits `EventLimits.maxMessageBytes` (the topic's limit): a value, key
/// or set of headers from a foreign producer can be larger, so they are cut and a header says
/// so, rather than letting one poison message block the dead-letter path.
struct DeadLetter: Sendable {
    enum Header {
        static let reason = "dlq-reason"
        static let topic = "dlq-original-topic"
        static let partition = "dlq-original-partition"
        static let offset = "dlq-original-offset"
        /// The original value's length, present when the value was cut.
        static let valueTruncated = "dlq-value-truncated"
        /// How many original headers were left out (present when some were).
        static let headersDropped = "dlq-headers-dropped"
        /// The original key's length, present when the key was cut.
        static let keyTruncated = "dlq-key-truncated"
        static let all: Set<String> = [reason, topic, partition, offset, valueTruncated, headersDropped, keyTruncated]
    }

    /// Room for record framing and our own headers (the reason is cut to `maxReasonBytes`).
    static let reservedBytes = 8 * 1024
    static let maxReasonBytes = 2 * 1024
    /// Original keys and headers beyond these are cut: ours are a few bytes.
    static let maxKeyBytes = 1024
    static let maxHeaderBytes = 16 * 1024

    let message: KafkaMessage
    let reason: String

    func outgoing(to topic: String, limit: Int = EventLimits.maxMessageBytes) -> KafkaOutgoingMessage {
        var extra = [
            KafkaHeader(name: Header.reason, value: Array(reason.utf8.prefix(Self.maxReasonBytes))),
            KafkaHeader(name: Header.topic, string: message.topic),
            KafkaHeader(name: Header.partition, string: String(message.partition)),
            KafkaHeader(name: Header.offset, string: String(message.offset)),
        ]
        var key = message.key
        if let original = key, original.count > Self.maxKeyBytes {
            key = Array(original.prefix(Self.maxKeyBytes))
            extra.append(KafkaHeader(name: Header.keyTruncated, string: String(original.count)))
        }
        var headers = message.headers
        let headerBytes = headers.reduce(0) { $0 + $1.name.utf8.count + ($1.value?.count ?? 0) }
        if headerBytes > Self.maxHeaderBytes {
            extra.append(KafkaHeader(name: Header.headersDropped, string: String(headers.count)))
            headers = []
        }
        var value = message.value
        let room = limit - Self.reservedBytes - (key?.count ?? 0) - (headerBytes > Self.maxHeaderBytes ? 0 : headerBytes)
        if let original = value, original.count > room {
            value = Array(original.prefix(max(0, room)))
            extra.append(KafkaHeader(name: Header.valueTruncated, string: String(original.count)))
        }
        return KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers + extra)
    }
}
