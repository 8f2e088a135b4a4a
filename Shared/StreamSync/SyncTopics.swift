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
    /// is a dead letter. The message comes back held as the change needs it: a create's JPEG
    /// once, in the change.
    func decode(_ message: KafkaMessage, maxMessageBytes: Int) -> (message: HeldMessage, change: Result<IncomingChange, ImageError>) {
        do throws(ImageError) {
            guard let plant = plant(ofTopic: message.topic) else {
                throw .invalidField("topic", "\(message.topic) is not a plant topic")
            }
            guard let value = message.value else { throw .invalidField("message", "has no value") }
            guard value.count <= maxMessageBytes else {
                throw .invalidField("message", "is \(value.count) bytes, more than the \(maxMessageBytes) allowed")
            }
            let (json, binary) = ChangeEvent.split(value)
            let change = try IncomingChange(json: json, binary: binary, topicPlant: plant)
            return (binary.map { HeldMessage(message, json: json, binary: $0) } ?? HeldMessage(message), .success(change))
        } catch {
            return (HeldMessage(message), .failure(error))
        }
    }
}
