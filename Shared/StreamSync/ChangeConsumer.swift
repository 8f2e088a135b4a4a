import ImageModel
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// The stream sync's consuming side: polls change messages in batches, applies each batch to
/// the consumer DB with one bulk write, then commits the batch's offsets. The next batch is
/// polled and decoded while the one before waits for the DB, and on a store that queues writes
/// (MongoDB) handed over for writing too when the two share no record. An offset is never
/// committed before its change is in the DB, and
/// the version guard makes redeliveries harmless, so a crash at any point loses and corrupts
/// nothing.
///
/// Messages it cannot apply go to the dead-letter topic with the reason. While the DB is down
/// it pauses its partitions, retries with capped backoff and reports not-ready; nothing is
/// dead-lettered for a transient error.
public final class ChangeConsumer: Service, Sendable {
    public struct Batching: Sendable {
        /// Most messages per batch.
        public var maxMessages: Int
        /// Longest wait for the first message of a batch.
        public var maxWait: Duration
        /// Larger message values are dead-lettered unread (default: the largest event).
        public var maxMessageBytes: Int
        /// A batch ends once its messages hold this many bytes: creates carry JPEGs, and 1,000
        /// of them would hold ~60 MB. 1 MiB (~15 creates, or all of 1,000 updates) keeps the
        /// consumer's peak RSS under 50 MiB and costs creates nothing measurable (their apply is
        /// dominated by the bytes, not the round trips).
        public var maxBatchBytes: Int

        /// How long an update or delete that came before its record waits for it in the
        /// consumer DB before it is dead-lettered.
        public var waitingTimeout: Duration

        /// How long a gap in a partition's offsets is read again before the consumer goes on
        /// past it (`KafkaConsumer`). LeafSync's topics have no gaps, and one a broker left
        /// while an earlier batch was being stored fills within milliseconds.
        public var offsetGapGrace: Duration

        public init(maxMessages: Int = 1000, maxWait: Duration = .milliseconds(100), maxMessageBytes: Int = EventLimits.maxEventBytes,
                    maxBatchBytes: Int = 1 << 20, waitingTimeout: Duration = .seconds(3600), offsetGapGrace: Duration = .seconds(10)) {
            self.maxMessages = maxMessages
            self.maxWait = maxWait
            self.maxMessageBytes = maxMessageBytes
            self.maxBatchBytes = maxBatchBytes
            self.waitingTimeout = waitingTimeout
            self.offsetGapGrace = offsetGapGrace
        }
    }

    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let applier: ReplicaApplier
    let topics: SyncTopics
    let batching: Batching
    let health: SyncHealth
    let logger: Logger
    let metrics: ConsumerMetrics
    let pending: PendingOffsets
    /// Whether changes may wait in the consumer DB (set when this consumer parks one, and by
    /// each waiting check): while none do, a batch looks only for changes waiting for records
    /// it creates.
    let anyWaiting = Mutex(true)

    /// Subscribes to the plant topics of `topics` in consumer group `groupID`.
    /// - Parameter deadLetters: the producer for the dead-letter topic; the caller closes it
    ///   after `run` returns.
    public init(configuration: KafkaConfiguration, groupID: String, deadLetters: KafkaProducer, replica: any ImageReplica & WaitingChanges,
                topics: SyncTopics, batching: Batching = Batching(), health: SyncHealth, logger: Logger) throws(KafkaError) {
        let pending = PendingOffsets()
        self.pending = pending
        var configuration = configuration
        // A dead member's partitions move on after 6 s (the broker minimum) instead of 45; Tansu
        // also holds a JoinGroup for half the session timeout, so this makes joins quick. Tansu
        // holds a fetch for much of `fetch.wait.max.ms` even when data is there: the 500 ms
        // default made staleness p99 500 ms (docs/benchmarks.md). librdkafka prefetches up to
        // 64 MiB by default, most of the consumer's RSS under JPEG creates; with a 1 MiB
        // prefetch its 1 s `fetch.queue.backoff.ms` (the pause once the prefetch is full)
        // would starve the consumer, hence 10 ms. One fetch must hold the largest message, or
        // a broker that honours the limit strictly would never deliver it.
        let largest = String(EventLimits.maxMessageBytes)
        let defaults = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "1500", "fetch.wait.max.ms": "10",
                        "queued.max.messages.kbytes": "1024", "fetch.max.bytes": largest, "max.partition.fetch.bytes": largest,
                        "fetch.queue.backoff.ms": "10"]
        for (key, value) in defaults where configuration.properties[key] == nil {
            configuration.properties[key] = value
        }
        let rebalance = KafkaRebalanceHandler(
            partitionsAssigned: { partitions in
                logger.info("partitions assigned", metadata: ["kafka.partitions": "\(partitions)"])
            },
            partitionsRevoking: { partitions in
                logger.info("partitions revoked", metadata: ["kafka.partitions": "\(partitions)"])
                return pending.take(partitions)
            })
        let metrics = ConsumerMetrics(topics: topics.plantTopics)
        self.metrics = metrics
        consumer = try KafkaConsumer(configuration: configuration, groupID: groupID, topics: topics.plantTopics,
                                     rebalance: rebalance, gapGrace: batching.offsetGapGrace, gapObserved: metrics.observed,
                                     logger: logger)
        self.deadLetters = deadLetters
        applier = ReplicaApplier(replica: replica)
        self.topics = topics
        self.batching = batching
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let statistics = Task { [consumer, metrics] in
            await KafkaTrafficMetrics(prefix: "consumer").follow(consumer.statistics) { metrics.record($0) }
        }
        defer { statistics.cancel() }
        var carried: [KafkaMessage] = []
        var waitingChecked: ContinuousClock.Instant?
        var writing: BatchWrite?
        // Graceful shutdown ends the loop between batches: the batch being written is applied
        // and committed first.
        do {
            while !Task.isShuttingDownGracefully {
                if waitingChecked.map({ ContinuousClock.now - $0 >= waitingCheckInterval }) ?? true {
                    // Settling sees no batch half written.
                    if let earlier = writing.take() { carried += try await finish(earlier) }
                    waitingChecked = .now
                    await settleWaiting()
                }
                // Polled and decoded while the batch before is written.
                let batch: PolledBatch
                if carried.isEmpty {
                    batch = try await nextBatch(writing: writing)
                } else {
                    batch = decoded(carried)
                    carried = []
                }
                guard !batch.isEmpty else {
                    // Nothing more came: the batch in hand is committed now, not with the next.
                    if let earlier = writing.take() { carried += try await finish(earlier) }
                    continue
                }
                // A batch's write starts while the one before runs only where the store queues
                // them, and never for a record the one before writes.
                if let earlier = writing, !applier.replica.queuesWrites || !earlier.records.isDisjoint(with: batch.records) {
                    writing = nil
                    carried += try await finish(earlier)
                }
                let next = startWriting(batch)
                if let earlier = writing.take() {
                    writing = next
                    carried += try await finish(earlier)
                } else {
                    writing = next
                }
            }
            if let earlier = writing.take() { _ = try await finish(earlier) }
        } catch is CancellationError {
            // Shutting down while the DB was down: what was not applied is delivered again.
            _ = await writing?.attempt.result
        } catch {
            // No write may outlive the loop: the caller closes the consumer DB next.
            _ = await writing?.attempt.result
            throw error
        }
        await commitPending(waitForAcknowledgement: true)
        await consumer.close()
        logger.info("consumer stopped, offsets committed, group left")
    }

    /// Waits for a batch's write (retrying it while the DB is down), dead-letters what it
    /// cannot apply, and commits it; returns messages polled meanwhile for the next batch.
    func finish(_ write: BatchWrite) async throws -> [KafkaMessage] {
        var polledMeanwhile: [KafkaMessage] = []
        var attempt: Task<[ChangeOutcome], any Error>? = write.attempt
        let outcomes = try await retryingWhileDown("apply", polled: &polledMeanwhile) {
            if let first = attempt.take() { return try await first.value }
            return try await self.applier.apply(write.changes, now: .now(), anyWaiting: self.anyWaiting.withLock { $0 })
        }
        if outcomes.contains(.waiting) { anyWaiting.withLock { $0 = true } }
        let now = Timestamp.currentMicroseconds()
        var dead = write.undecodable
        for (index, (sourced, outcome)) in zip(write.changes, outcomes).enumerated() {
            let (change, message) = (sourced.change, sourced.message.message)
            let counters = metrics.counted(topic: message.topic, op: change.opLabel)
            counters?.consumed.increment()
            switch outcome {
            case .applied:
                counters?.applied.increment()
                // A legacy message has no `occurred_at`: its record's last change is that time.
                let occurredAt = switch change {
                case .event(let event): event.occurredAt
                case .legacy(_, let image): image.lastChangedAt.microsecondsSinceEpoch
                }
                metrics.staleness.recordMicroseconds(Timestamp.microseconds(from: occurredAt, to: now))
                if let produced = message.timestamp, produced.kind == .created {
                    let producedAt = Timestamp(millisecondsSinceEpoch: produced.millisecondsSinceEpoch).microsecondsSinceEpoch
                    metrics.outboxDelay.recordMicroseconds(Timestamp.microseconds(from: occurredAt, to: producedAt))
                    metrics.deliveryDelay.recordMicroseconds(Timestamp.microseconds(from: producedAt, to: write.receivedAt[index]))
                }
            case .waiting:
                counters?.waiting.increment()
                logger.warning("change came before its record or its previous version; it waits in the consumer DB", metadata: [
                    "plant": "\(change.plant.rawValue)", "image.id": "\(change.imageID)", "kafka.topic": "\(message.topic)",
                    "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                ])
            case .stale:
                counters?.stale.increment()
            case .rejected(let reason):
                dead.append(DeadLetter(message: sourced.message.original, reason: reason))
            }
        }
        try await sendDeadLetters(dead, polled: &polledMeanwhile)
        pending.applied(write.batch.messages.map(\.message))
        await commitPending(waitForAcknowledgement: false)
        metrics.batchSize.record(write.batch.messages.count)
        metrics.applyDuration.record(duration: ContinuousClock.now - write.started)
        return polledMeanwhile
    }

    /// Commits what was applied. Between batches the commit is not waited for: the next batch
    /// need not wait a broker round trip, and a lost commit only means the next one (or a
    /// restart) redelivers changes that are in the DB already, which the version guard makes
    /// stale. At shutdown it is waited for; a failure there is logged.
    ///
    /// Offsets of partitions revoked meanwhile (a rebalance served by the poll ahead while a
    /// batch was being written) are dropped: their new owner starts from what was committed at
    /// the revocation and redoes the rest, which the version guard makes harmless; committing
    /// them now could move its commits back.
    private func commitPending(waitForAcknowledgement: Bool) async {
        if let assigned = try? Set(consumer.assignment()) {
            _ = pending.take(pending.all.map(\.topicPartition).filter { !assigned.contains($0) })
        }
        let offsets = pending.all
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(offsets, waitForAcknowledgement: waitForAcknowledgement)
            pending.committed(offsets)
        } catch {
            logger.warning("offset commit failed; retrying with the next batch", metadata: ["error": "\(error)"])
        }
    }
}

extension IncomingChange {
    var opLabel: String {
        switch self {
        case .event(let event): event.op.rawValue
        case .legacy: "legacy"
        }
    }
}
