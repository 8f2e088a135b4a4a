/// The sizes every hop of the stream sync agrees on, all derived from the largest JPEG a record
/// may hold: the API refuses a bigger one (413), so every event it commits fits the relay's
/// producer, the topics, the consumer's fetches and the dead-letter topic (docs/events.md, "When a
/// record is bad").
public enum EventLimits {
    /// Largest JPEG of a record, decoded: 512 KiB (524,288 bytes).
    public static let maxImageBytes = 512 * 1024
    /// What an event holds besides its hex JPEG, at most: every other field is bounded (ids,
    /// versions and instants of ≤ 20 digits, two timestamps, a disease of ≤ 200 Unicode scalars
    /// at ≤ 12 bytes escaped); `EventLimitsTests` builds the worst case.
    public static let maxFieldBytes = 16 * 1024
    /// Largest event value, envelope or LIMS legacy JSON: 1,064,960 bytes.
    public static let maxEventBytes = 2 * maxImageBytes + maxFieldBytes
    /// Largest Kafka message: the value plus key, headers and record framing. The producers'
    /// `message.max.bytes`, the topics' `max.message.bytes` and the consumer's fetch sizes:
    /// 1,130,496 bytes. A dead letter is cut to fit it.
    public static let maxMessageBytes = maxEventBytes + 64 * 1024
}
