import Foundation
import Logging

/// Reads a whole topic as it is now: every partition from its first offset to at least the
/// high watermark it had when the read began, outside any consumer group (nothing is
/// committed, no one else's partitions move). For operators' tools such as the dead-letter
/// replay.
///
/// A partition counts as read once a message at its watermark's offset (or its end of
/// partition) came, and then what the consumer already holds is taken too: Tansu reports a
/// watermark of the last batch's first offset + 1, so the rest of that batch (already
/// fetched with it) would otherwise be left out. Messages written after the read began may
/// come with it. A gap in a partition's offsets is read again for up to `gapGrace` before it
/// is taken as real (`OffsetContinuity`).
public enum KafkaTopicReader {
    /// - Returns: the messages, per partition in offset order; empty when the topic does not
    ///   exist.
    /// - Throws: `KafkaError` when the brokers cannot be asked, or `.timedOut` when the end
    ///   is not reached within `timeout`.
    public static func readAll(topic: String, configuration: KafkaConfiguration, timeout: Duration,
                               gapGrace: Duration = .seconds(2), logger: Logger) async throws(KafkaError) -> [KafkaMessage] {
        try await onOwnThread("leafsync.kafka.reader") { () throws(KafkaError) in
            try read(topic: topic, configuration: configuration, deadline: .now + timeout, gapGrace: gapGrace, logger: logger)
        }
    }

    private static func read(topic: String, configuration: KafkaConfiguration, deadline: ContinuousClock.Instant,
                             gapGrace: Duration, logger: Logger) throws(KafkaError) -> [KafkaMessage] {
        var configuration = configuration
        configuration.statisticsInterval = nil
        let properties = configuration.resolvedProperties(
            defaults: ["auto.offset.reset": "earliest"],
            enforced: ["group.id": "leafsync-reader-\(UUID().uuidString)", "enable.auto.commit": "false",
                       "enable.auto.offset.store": "false", "enable.partition.eof": "true"])
        let client = try RDKafkaClient(kind: .consumer, properties: properties,
                                       callbacks: RDKafkaCallbacks(logger: logger, statistics: nil))
        defer { try? client.closeConsumer() }
        func remaining() -> Int32 { max(1, (deadline - .now).milliseconds) }
        var ends: [KafkaTopicPartition: Int64] = [:]
        var starts: [KafkaTopicPartitionOffset] = []
        var continuity = OffsetContinuity(grace: gapGrace)
        for (partition, low, high) in try client.watermarks(of: [topic], deadline: deadline) where high > low {
            ends[partition] = high
            starts.append(KafkaTopicPartitionOffset(topic: topic, partition: partition.partition, offset: low))
            continuity.expect(partition, at: low)
        }
        guard !starts.isEmpty else { return [] }
        try client.assign(starts)
        var messages: [KafkaMessage] = []
        // Once every partition reached its watermark, a poll that finds nothing at once ends it.
        reading: while true {
            let reached = ends.isEmpty
            guard ContinuousClock.now < deadline else {
                if reached { break reading }
                throw KafkaError(code: .timedOut, message: "reading \(topic): \(ends.keys.map(\.description).sorted()) not read to the end in time")
            }
            switch client.consumerPoll(milliseconds: reached ? min(remaining(), 50) : min(remaining(), 500)) {
            case .message(let message):
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                if case .reread(let missing, _) = continuity.check(partition, offset: message.offset, now: .now) {
                    try client.seek([KafkaTopicPartitionOffset(topic: topic, partition: partition.partition, offset: missing.lowerBound)],
                                    milliseconds: remaining())
                    continue reading
                }
                messages.append(message)
                if let end = ends[partition], message.offset + 1 >= end { ends[partition] = nil }
            case .endOfPartition(let partition): ends[partition] = nil
            case .error(let error) where error.isFatal: throw error
            case .error(let error): logger.debug("Kafka reader error", metadata: ["kafka.error": "\(error)"])
            case .none: if reached { break reading }
            }
        }
        return messages
    }
}
