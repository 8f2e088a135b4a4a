import ImageModel

/// The largest message the relay's producer and each topic accept: an event over either can
/// never be published, so the relay parks it instead of retrying it forever.
public struct PublishLimits: Sendable, Hashable {
    /// The producer's `message.max.bytes` (value, key and headers).
    public var producerBytes: Int
    /// Each topic's `max.message.bytes`, where the broker reported one (a record batch of one).
    public var topicBytes: [String: Int]

    public init(producerBytes: Int = EventLimits.maxMessageBytes, topicBytes: [String: Int] = [:]) {
        self.producerBytes = producerBytes
        self.topicBytes = topicBytes
    }

    /// Why a message of `bytes` (see `OutboxEntry.messageBytes`) can never be published to
    /// `topic`; nil when it fits.
    func refusal(of bytes: Int, topic: String) -> String? {
        if bytes > producerBytes { return "larger than the producer's message.max.bytes of \(producerBytes)" }
        if let limit = topicBytes[topic], bytes > limit { return "larger than the max.message.bytes of \(limit) of topic \(topic)" }
        return nil
    }
}

extension OutboxEntry {
    /// The bytes the producer and the broker count for this event's message: value, key and
    /// headers (each with two length varints of up to 5 bytes), plus a record batch's framing
    /// (61 bytes) and a record's (up to 21): an upper bound, so a message that fits it fits.
    var messageBytes: Int {
        envelope.count + key.count + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 10 } + 82
    }
}
