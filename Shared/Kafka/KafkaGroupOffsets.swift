import Foundation
import Logging

/// A consumer group's positions, set from outside the group: where topics end now, what the
/// group has committed, and a commit on its behalf. For starting a group at a recorded point
/// (the consumer DB's bootstrap) while none of its members runs.
public enum KafkaGroupOffsets {
    /// The offset each partition of `topics` will give its next message (its high watermark):
    /// what a group that starts now must read from to miss nothing written from now on. Tansu
    /// reports its last batch's first offset + 1, which can lie before the true end, never
    /// after it: a group started there reads a few messages more. Topics that do not exist
    /// have no partitions here.
    public static func endOffsets(of topics: [String], configuration: KafkaConfiguration, timeout: Duration,
                                  logger: Logger) async throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try await onOwnThread("leafsync.kafka.end-offsets") { () throws(KafkaError) in
            let client = try groupClient(groupID: nil, configuration: configuration, logger: logger)
            return try client.watermarks(of: topics, deadline: .now + timeout).map {
                KafkaTopicPartitionOffset(topic: $0.partition.topic, partition: $0.partition.partition, offset: $0.high)
            }
        }
    }

    /// Commits `offsets` for `groupID` and waits for the coordinator's answer. The group must
    /// have no running member: a broker refuses (or a member overwrites) a commit from outside
    /// its current generation.
    public static func commit(_ offsets: [KafkaTopicPartitionOffset], groupID: String, configuration: KafkaConfiguration,
                              timeout: Duration, logger: Logger) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try await onOwnThread("leafsync.kafka.group-commit") { () throws(KafkaError) in
            let client = try groupClient(groupID: groupID, configuration: configuration, logger: logger)
            defer { try? client.closeConsumer() }
            // Asked first because it fails in time: a commit sent while no coordinator answers
            // stays pending in librdkafka, and closing the handle waits (tens of seconds) for it.
            _ = try client.committed(offsets.map(\.topicPartition), milliseconds: timeout.milliseconds)
            try client.commit(offsets, milliseconds: timeout.milliseconds)
        }
    }

    /// What `groupID` has committed for `partitions`; a partition without a commit is absent.
    public static func committed(_ partitions: [KafkaTopicPartition], groupID: String, configuration: KafkaConfiguration,
                                 timeout: Duration, logger: Logger) async throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        return try await onOwnThread("leafsync.kafka.group-committed") { () throws(KafkaError) in
            let client = try groupClient(groupID: groupID, configuration: configuration, logger: logger)
            defer { try? client.closeConsumer() }
            return try client.committed(partitions, milliseconds: timeout.milliseconds)
        }
    }

    /// A consumer handle that joins nothing: in `groupID` only for commits (a reader's own
    /// throwaway group without one).
    private static func groupClient(groupID: String?, configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) -> RDKafkaClient {
        var configuration = configuration
        configuration.statisticsInterval = nil
        let properties = configuration.resolvedProperties(
            enforced: ["group.id": groupID ?? "leafsync-offsets-\(UUID().uuidString)", "enable.auto.commit": "false",
                       "enable.auto.offset.store": "false"])
        return try RDKafkaClient(kind: .consumer, properties: properties, callbacks: RDKafkaCallbacks(logger: logger, statistics: nil))
    }
}

/// Runs blocking librdkafka calls on a thread of their own, off Swift's cooperative pool.
func onOwnThread<T: Sendable>(_ label: String, _ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, KafkaError>, Never>) in
        DispatchQueue(label: label).async { continuation.resume(returning: Result(catching: body)) }
    }
    return try result.get()
}
