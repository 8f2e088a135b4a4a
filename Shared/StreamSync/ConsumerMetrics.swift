import ImageModel
import Kafka
import Metrics
import Synchronization

/// The consumer's metrics, created once per (topic, op) so that recording costs no allocation.
final class ConsumerMetrics: Sendable {
    struct PerOp: Sendable {
        let consumed: Counter
        let applied: Counter
        let stale: Counter
        /// Updates and deletes that came before their record and wait for it.
        let waiting: Counter
    }

    private let perTopic: [String: [String: PerOp]]
    private let deadLettered: [String: Counter]
    private let bytes: [String: Counter]
    let batchSize = Recorder(label: "consumer_batch_size", aggregate: true)
    /// A batch's write start to its commit, a wait behind the batch before it included.
    let applyDuration = Metrics.Timer(label: "consumer_apply_duration_seconds")
    /// Apply time minus the change's `occurred_at` in the producer DB.
    let staleness = Metrics.Timer(label: ChangeConsumer.stalenessLabel)
    /// The staleness split at the message's producer timestamp (`CreateTime`): commit to the
    /// relay's produce call (the outbox), then produce call to the poll that returned it
    /// (linger, broker, fetch). The rest is the apply, `applyDuration`.
    let outboxDelay = Metrics.Timer(label: ChangeConsumer.outboxDelayLabel)
    let deliveryDelay = Metrics.Timer(label: ChangeConsumer.deliveryDelayLabel)
    /// Changes waiting in the consumer DB for their record (all consumers'), and how long
    /// the oldest has waited.
    let waitingChanges = Gauge(label: "consumer_waiting_changes")
    let waitingAge = Gauge(label: "consumer_waiting_oldest_age_seconds")
    private let lag = Mutex<[KafkaTopicPartition: Gauge]>([:])
    /// Gaps in a partition's offsets, by outcome (`KafkaOffsetGap.Outcome`).
    private let offsetGaps = Dictionary(uniqueKeysWithValues: KafkaOffsetGap.Outcome.allCases.map {
        ($0, Counter(label: "consumer_offset_gaps_total", dimensions: [("outcome", $0.rawValue)]))
    })

    /// `op` label values: the three operations, `legacy` for LIMS-format messages, `unknown`
    /// for messages that could not be read.
    static let opLabels = ChangeOperation.allCases.map(\.rawValue) + ["legacy", "unknown"]

    init(topics: [String]) {
        func counters(_ topic: String, _ op: String) -> PerOp {
            let dimensions = [("topic", topic), ("op", op)]
            return PerOp(consumed: Counter(label: "consumer_events_consumed_total", dimensions: dimensions),
                         applied: Counter(label: "consumer_events_applied_total", dimensions: dimensions),
                         stale: Counter(label: "consumer_events_stale_total", dimensions: dimensions),
                         waiting: Counter(label: "consumer_events_waiting_total", dimensions: dimensions))
        }
        perTopic = Dictionary(uniqueKeysWithValues: topics.map { topic in
            (topic, Dictionary(uniqueKeysWithValues: Self.opLabels.map { ($0, counters(topic, $0)) }))
        })
        deadLettered = Dictionary(uniqueKeysWithValues: topics.map {
            ($0, Counter(label: "consumer_events_dead_lettered_total", dimensions: [("topic", $0)]))
        })
        bytes = Dictionary(uniqueKeysWithValues: topics.map {
            ($0, Counter(label: "consumer_bytes_consumed_total", dimensions: [("topic", $0)]))
        })
    }

    func consumed(topic: String, bytes count: Int) {
        bytes[topic]?.increment(by: count)
    }

    func counted(topic: String, op: String) -> PerOp? { perTopic[topic]?[op] }

    func deadLettered(topic: String) { deadLettered[topic]?.increment() }

    func observed(_ gap: KafkaOffsetGap) { offsetGaps[gap.outcome]?.increment() }

    func record(_ statistics: KafkaStatistics) {
        lag.withLock { gauges in
            for partition in statistics.partitions {
                guard let value = partition.consumerLag else { continue }
                let gauge = gauges[partition.topicPartition] ?? {
                    let gauge = Gauge(label: "consumer_lag", dimensions: [
                        ("topic", partition.topicPartition.topic), ("partition", String(partition.topicPartition.partition)),
                    ])
                    gauges[partition.topicPartition] = gauge
                    return gauge
                }()
                gauge.record(value)
            }
        }
    }
}

extension ChangeConsumer {
    /// The staleness histogram's name; `histogramBuckets` gives its buckets and its parts'.
    public static let stalenessLabel = "consumer_sync_staleness_seconds"
    public static let outboxDelayLabel = "consumer_sync_outbox_delay_seconds"
    public static let deliveryDelayLabel = "consumer_sync_delivery_delay_seconds"
    /// Fine around the tens of milliseconds a healthy stream takes, so a p99 target of 50 ms
    /// can be read off; up to minutes for a consumer catching up after an outage.
    static let stalenessBuckets: [Duration] = [1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 250, 500].map {
        .milliseconds($0)
    } + [1, 2, 5, 10, 30, 60, 300].map { .seconds($0) }
    /// The staleness histogram and its two parts, all on `stalenessBuckets`.
    public static var histogramBuckets: [String: [Duration]] {
        [stalenessLabel: stalenessBuckets, outboxDelayLabel: stalenessBuckets, deliveryDelayLabel: stalenessBuckets]
    }
}
