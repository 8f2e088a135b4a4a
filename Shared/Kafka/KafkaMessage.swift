/// A message header. Kafka allows repeated names and null values.
public struct KafkaHeader: Sendable, Hashable {
    public let name: String
    public let value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }
}

/// A message to produce.
public struct KafkaOutgoingMessage: Sendable, Hashable {
    public let topic: String
    /// Messages with the same key go to the same partition, in order.
    public let key: [UInt8]?
    public let value: [UInt8]?
    public let headers: [KafkaHeader]

    public init(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Where the broker stored a produced message.
public struct KafkaDelivery: Sendable, Hashable {
    public let partition: Int32
    public let offset: Int64

    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
}

/// A message's timestamp, at Kafka's millisecond resolution.
public struct KafkaTimestamp: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Set by the producer when the message was handed to it (`CreateTime`).
        case created
        /// Set by the broker when it appended the message to the log (`LogAppendTime`).
        case appended
    }

    public let kind: Kind
    public let millisecondsSinceEpoch: Int64

    public init(kind: Kind, millisecondsSinceEpoch: Int64) {
        self.kind = kind
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }
}

/// A consumed message, copied out of librdkafka.
public struct KafkaMessage: Sendable, Hashable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]?
    public let headers: [KafkaHeader]
    /// The producer's or the broker's timestamp (per the topic's `message.timestamp.type`),
    /// nil when the message has none.
    public let timestamp: KafkaTimestamp?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaHeader], timestamp: KafkaTimestamp?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The offset to commit once this message is processed: the next one to read.
    public var nextOffset: KafkaTopicPartitionOffset {
        KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: offset + 1)
    }
}
