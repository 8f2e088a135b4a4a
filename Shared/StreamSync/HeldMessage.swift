import ImageModel
import Kafka

/// A polled message whose binary part (a create's JPEG) is held apart from its JSON, as the
/// very array its decoded change's image holds: a batch keeps each JPEG once, not twice. Under
/// creates the second copies, in the batch being written and in the one polled ahead, were
/// ~2 MiB of the consumer's peak RSS (docs/benchmarks.md).
struct HeldMessage: Sendable {
    /// The message as polled, with its JSON part alone as its value when `binary` is set.
    let message: KafkaMessage
    let binary: [UInt8]?

    init(_ message: KafkaMessage) {
        self.message = message
        binary = nil
    }

    init(_ message: KafkaMessage, json: [UInt8], binary: [UInt8]) {
        self.message = message.with(value: json)
        self.binary = binary
    }

    /// The message as polled, byte for byte (the JSON, a NUL, the binary part): for a dead
    /// letter, a parked change, or a decode once more after a retry.
    var original: KafkaMessage {
        guard let binary, let json = message.value else { return message }
        return message.with(value: json + [0] + binary)
    }

    /// The key's and value's bytes as polled.
    var byteCount: Int {
        (message.key?.count ?? 0) + (message.value?.count ?? 0) + (binary.map { $0.count + 1 } ?? 0)
    }
}

private extension KafkaMessage {
    func with(value: [UInt8]) -> KafkaMessage {
        KafkaMessage(topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers, timestamp: timestamp)
    }
}
