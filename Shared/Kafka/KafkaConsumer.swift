import Dispatch
import Logging
import Primitives

/// A consumer in a group (`cooperative-sticky` assignment) that commits only what its owner
/// says it applied: auto commit and auto offset store are off, so `commit` is the only way
/// offsets move.
///
/// Every blocking librdkafka call (poll, commit, close) runs on the consumer's own serial
/// `DispatchQueue`, never on Swift's cooperative pool; rebalance callbacks run there too,
/// during `poll` and `close`.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaClient
    private let queue = DispatchQueue(label: "leafsync.kafka.consumer")
    private let closed = Locked(false)
    private let continuity: Locked<OffsetContinuity>
    private let gapObserved: @Sendable (KafkaOffsetGap) -> Void
    private let logger: Logger
    /// librdkafka's statistics (with consumer lag), every `statisticsInterval` of the
    /// configuration, delivered while `poll` runs; finished by `close`.
    public let statistics: AsyncStream<KafkaStatistics>
    private let statisticsContinuation: AsyncStream<KafkaStatistics>.Continuation

    /// Creates the consumer and subscribes; partitions arrive during the first polls.
    /// - Parameters:
    ///   - groupID: the consumer group; members share the topics' partitions.
    ///   - rebalance: told about assigned partitions, and asked what to commit before
    ///     partitions are revoked.
    ///   - gapGrace: how long a gap in a partition's offsets is read again before it is taken
    ///     as real (`OffsetContinuity`); zero takes every gap as real.
    ///   - gapObserved: told about each gap: when it is first seen, filled or accepted.
    /// - Throws: `KafkaError` `.configuration` for a bad property.
    public init(configuration: KafkaConfiguration, groupID: String, topics: [String],
                rebalance: KafkaRebalanceHandler = KafkaRebalanceHandler(), gapGrace: Duration = .seconds(10),
                gapObserved: @escaping @Sendable (KafkaOffsetGap) -> Void = { _ in }, logger: Logger) throws(KafkaError) {
        (statistics, statisticsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(8))
        let properties = configuration.resolvedProperties(
            defaults: ["auto.offset.reset": "earliest"],
            enforced: [
                "group.id": groupID,
                "partition.assignment.strategy": "cooperative-sticky",
                "enable.auto.commit": "false",
                "enable.auto.offset.store": "false",
            ])
        var logger = logger
        logger[metadataKey: "kafka.group"] = "\(groupID)"
        let continuity = Locked(OffsetContinuity(grace: gapGrace))
        self.continuity = continuity
        self.gapObserved = gapObserved
        // A partition that moves starts afresh, from the group's committed offset.
        let tracked = KafkaRebalanceHandler(
            partitionsAssigned: { partitions in
                continuity.withLock { $0.forget(partitions, assigned: true) }
                rebalance.partitionsAssigned(partitions)
            },
            partitionsRevoking: { partitions in
                continuity.withLock { $0.forget(partitions, assigned: false) }
                return rebalance.partitionsRevoking(partitions)
            })
        client = try RDKafkaClient(kind: .consumer, properties: properties, callbacks: RDKafkaCallbacks(
            logger: logger, statistics: configuration.statisticsInterval == nil ? nil : statisticsContinuation,
            rebalance: tracked))
        self.logger = logger
        if configuration.statisticsInterval == nil { statisticsContinuation.finish() }
        try client.subscribe(to: topics)
    }

    /// Waits up to `timeout` for a first message, then takes what else is ready, up to
    /// `maxMessages` or until the messages hold `maxBytes` (keys and values). A message past a
    /// gap in its partition's offsets is left out and the partition read again from the gap.
    /// - Returns: the messages in partition order, empty when none came in time.
    /// - Throws: `KafkaError` `.fatal`, or `.closed` after `close`. Other consumer errors
    ///   (a broker down, a topic not there yet) are logged; librdkafka recovers from them.
    public func poll(maxMessages: Int = 500, maxBytes: Int = .max, timeout: Duration) async throws(KafkaError) -> [KafkaMessage] {
        try await onQueue { () throws(KafkaError) in
            let deadline = ContinuousClock.now + timeout
            var batch: [KafkaMessage] = []
            var bytes = 0
            while batch.count < maxMessages && bytes < maxBytes {
                let wait = batch.isEmpty ? max(.zero, deadline - ContinuousClock.now).milliseconds : 0
                switch self.client.consumerPoll(milliseconds: wait) {
                case .message(let message):
                    guard self.continues(message) else { continue }
                    batch.append(message)
                    bytes += (message.value?.count ?? 0) + (message.key?.count ?? 0)
                case .none: return batch
                case .endOfPartition: continue
                case .error(let error) where error.isFatal: throw error
                case .error(let error):
                    self.logger.debug("Kafka consumer error", metadata: ["kafka.error": "\(error)"])
                }
            }
            return batch
        }
    }

    /// Whether `message` continues its partition without a gap, or after one that filled or
    /// outlasted the grace. If not, seeks the partition back to the gap. On the queue.
    private func continues(_ message: KafkaMessage) -> Bool {
        let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
        let unanchored = continuity.withLock { $0.takeUnanchored(arriving: partition) }
        if !unanchored.isEmpty { anchor(unanchored) }
        let verdict = continuity.withLock { $0.check(partition, offset: message.offset, now: .now) }
        let metadata: (Range<Int64>) -> Logger.Metadata = { missing in
            ["kafka.partition": "\(partition)", "kafka.offsets.missing": "\(missing.lowerBound)...\(missing.upperBound - 1)"]
        }
        switch verdict {
        case .deliver:
            return true
        case .filled(let missing, let after):
            logger.info("offsets missing from a partition arrived on reading it again", metadata: metadata(missing).merging(
                ["kafka.gap.seconds": "\(Double(after.milliseconds) / 1000)"]) { $1 })
            gapObserved(KafkaOffsetGap(partition: partition, missing: missing, outcome: .filled))
            return true
        case .accepted(let missing):
            logger.warning("offsets missing from a partition never arrived; going on past them (a compacted or transactional topic has such gaps)",
                           metadata: metadata(missing))
            gapObserved(KafkaOffsetGap(partition: partition, missing: missing, outcome: .accepted))
            return true
        case .reread(let missing, let first):
            if first {
                logger.warning("offsets missing from a partition (the broker served a later batch first); reading it again from the gap",
                               metadata: metadata(missing))
                gapObserved(KafkaOffsetGap(partition: partition, missing: missing, outcome: .rereading))
            }
            do {
                try client.seek([KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: missing.lowerBound)],
                                milliseconds: 1000)
            } catch {
                logger.warning("could not seek back to a gap; trying again with its next message", metadata: metadata(missing).merging(
                    ["kafka.error": "\(error)"]) { $1 })
            }
            return false
        }
    }

    /// Expects each newly assigned partition's first message at the group's committed offset:
    /// a broker that served a later batch first would otherwise have the consumer start past
    /// the missing one. One question to the coordinator per assignment; partitions without a
    /// commit (read from `auto.offset.reset`) and a failed question leave them unchecked. On
    /// the queue.
    private func anchor(_ partitions: [KafkaTopicPartition]) {
        do {
            let committed = try client.committed(partitions, milliseconds: 5000)
            continuity.withLock { continuity in
                for offset in committed {
                    continuity.expect(KafkaTopicPartition(topic: offset.topic, partition: offset.partition), at: offset.offset)
                }
            }
        } catch {
            logger.info("could not read the committed offsets of new partitions; their first messages go unchecked",
                        metadata: ["kafka.partitions": "\(partitions)", "kafka.error": "\(error)"])
        }
    }

    /// Commits `offsets` (for each partition, the next offset to read).
    /// - Parameter waitForAcknowledgement: when true, returns once the group coordinator stored
    ///   them; when false, returns at once and a failure is only logged (during a later
    ///   `poll`), which suits a commit that a later one supersedes.
    /// - Throws: `KafkaError`, for instance when a partition is no longer assigned.
    public func commit(_ offsets: [KafkaTopicPartitionOffset], waitForAcknowledgement: Bool = true) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try await onQueue { () throws(KafkaError) in try self.client.commit(offsets, waiting: waitForAcknowledgement) }
    }

    /// Stops fetching from `partitions` until `resume`; they stay assigned. librdkafka only
    /// enqueues the change, so this does not block.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try client.setPaused(true, partitions)
    }

    /// Fetches from `partitions` again, from where the consumer stopped.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try client.setPaused(false, partitions)
    }

    /// The partitions assigned to this consumer now.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try client.assignment()
    }

    /// Revokes the partitions (the rebalance handler may commit first) and leaves the group, so
    /// the others take over at once instead of after the session timeout. Later polls throw
    /// `.closed`; calling it again does nothing.
    public func close() async {
        let wasOpen = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        do {
            try await onQueue(ignoringClosed: true) { () throws(KafkaError) in try self.client.closeConsumer() }
        } catch {
            logger.info("Kafka consumer did not leave its group cleanly", metadata: ["kafka.error": "\(error)"])
        }
        statisticsContinuation.finish()
    }

    private func onQueue<T: Sendable>(ignoringClosed: Bool = false,
                                      _ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, KafkaError>, Never>) in
            queue.async {
                guard ignoringClosed || !self.closed.withLock({ $0 }) else {
                    return continuation.resume(returning: .failure(KafkaError.closed("consumer")))
                }
                continuation.resume(returning: Result(catching: body))
            }
        }.get()
    }
}
