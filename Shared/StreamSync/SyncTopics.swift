import ImageModel
import Kafka

/// The Kafka topics of the stream sync: one per plant (LIMS: `potato`, `tomato`, `pepper`),
/// optionally prefixed, and the dead-letter topic for messages the consumer cannot apply.
public struct SyncTopics: Sendable, Hashable {
    public var prefix: String
    /// Partitions of topics created at startup (existing topics keep theirs).
    public var partitions: Int32
    public var deadLetter: String

    public init(prefix: String = "", partitions: Int32 = 3, deadLetter: String = "leafsync-dead-letter") {
        self.prefix = prefix
        self.partitions = partitions
        self.deadLetter = deadLetter
    }

    public func topic(for plant: Plant) -> String { prefix + plant.rawValue }

    /// The plant whose changes `topic` carries, nil for any other topic.
    public func plant(ofTopic topic: String) -> Plant? {
        guard topic.hasPrefix(prefix) else { return nil }
        return Plant(rawValue: String(topic.dropFirst(prefix.count)))
    }

    public var plantTopics: [String] { Plant.allCases.map(topic(for:)) }
}

extension SyncTopics {
    /// Decodes a message of a plant topic as the consumer applies it; the failure says why it
    /// is a dead letter.
    func decode(_ message: KafkaMessage, maxMessageBytes: Int) -> Result<IncomingChange, ImageError> {
        guard let plant = plant(ofTopic: message.topic) else {
            return .failure(.invalidField("topic", "\(message.topic) is not a plant topic"))
        }
        guard let value = message.value else { return .failure(.invalidField("message", "has no value")) }
        guard value.count <= maxMessageBytes else {
            return .failure(.invalidField("message", "is \(value.count) bytes, more than the \(maxMessageBytes) allowed"))
        }
        return Result { () throws(ImageError) in try IncomingChange(message: value, topicPlant: plant) }
    }
}
