import ImageModel
import Kafka
import Logging
import Metrics
import ServiceLifecycle

/// Publishes the producer DB's outbox to Kafka, in order, and removes events only after the
/// broker acknowledged them. A crash between the two republishes the same events (same event
/// id) on restart: delivery is at least once, and the consumer's version guard makes the
/// duplicates harmless.
///
/// It runs when `notify()` says a change was committed and every `pollInterval` otherwise (for
/// events left by a crash or written by another instance). With a `LegacyMirror`, each batch
/// is also published in the LIMS legacy format before its events leave the outbox.
public final class OutboxRelay: Service, Sendable {
    private let outbox: any ChangeOutbox
    private let producer: KafkaProducer
    private let topics: SyncTopics
    private let legacy: LegacyMirror?
    private let batchSize: Int
    private let pollInterval: Duration
    private let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let metrics = RelayMetrics()

    public init(outbox: any ChangeOutbox, producer: KafkaProducer, topics: SyncTopics, legacy: LegacyMirror? = nil,
                batchSize: Int = 500, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.outbox = outbox
        self.producer = producer
        self.topics = topics
        self.legacy = legacy
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.logger = logger
        // One pending wake-up is enough: the relay drains everything it finds.
        (wakeUps, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the relay a change was committed.
    public func notify() { wakeUp.yield() }

    public func run() async throws {
        let statistics = Task { [producer] in await KafkaTrafficMetrics(prefix: "image_api").follow(producer.statistics) }
        let legacyStatistics = Task { [legacy] in
            guard let legacy else { return }
            await KafkaTrafficMetrics(prefix: "image_api_legacy").follow(legacy.producer.statistics)
        }
        defer {
            statistics.cancel()
            legacyStatistics.cancel()
        }
        var backoff = Backoff()
        var iterator = wakeUps.makeAsyncIterator()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if try await publishPending() == 0 {
                    backoff.succeeded()
                    await waitForWakeUp(&iterator)
                }
            } catch {
                let delay = backoff.failed()
                logger.warning("outbox relay failed, retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
        wakeUp.finish()
    }

    /// Publishes one batch; returns how many events it published.
    func publishPending() async throws -> Int {
        let entries = try await outbox.pendingChanges(limit: batchSize)
        metrics.depth.record(entries.count)
        guard !entries.isEmpty else { return 0 }
        let start = ContinuousClock.now
        _ = try await producer.send(entries.map { entry in
            KafkaOutgoingMessage(topic: topics.topic(for: entry.plant), key: entry.key, value: entry.envelope,
                                 headers: entry.headers.map { KafkaHeader(name: $0.name, string: $0.value) })
        })
        metrics.publishLatency.record(duration: ContinuousClock.now - start)
        let legacySizes = try await legacy?.publish(entries)
        try await outbox.removePublished(entries)
        for (index, entry) in entries.enumerated() {
            metrics.published(entry, format: .envelope, bytes: entry.envelope.count)
            if let legacySizes, legacySizes[index] > 0 { metrics.published(entry, format: .legacy, bytes: legacySizes[index]) }
        }
        if entries.count == batchSize { metrics.depth.record(try await outbox.pendingChangeCount()) }
        logger.debug("published change events", metadata: ["events": "\(entries.count)"])
        return entries.count
    }

    /// Returns on a wake-up, after `pollInterval`, or at shutdown.
    private func waitForWakeUp(_ iterator: inout AsyncStream<Void>.Iterator) async {
        let interval = pollInterval
        let wakeUp = self.wakeUp
        let timer = Task {
            do {
                try await Task.sleep(for: interval)
                wakeUp.yield()
            } catch {}
        }
        defer { timer.cancel() }
        _ = await withGracefulShutdownHandler {
            await iterator.next()
        } onGracefulShutdown: {
            wakeUp.yield()
        }
    }
}

/// The relay's metrics, with the LIMS names kept: `image_api_image` counts messages sent to
/// Kafka, `image_api_image_size` their bytes, by plant, op and format (`envelope`, or
/// `legacy` for the LIMS-format mirror).
struct RelayMetrics: Sendable {
    enum Format: String, CaseIterable { case envelope, legacy }

    private struct Key: Hashable {
        let plant: Plant
        let op: ChangeOperation
        let format: Format
    }

    let depth = Gauge(label: "image_api_outbox_depth")
    let publishLatency = Metrics.Timer(label: "image_api_publish_duration_seconds")
    private let counters: [Key: (messages: Counter, bytes: Counter)]

    init() {
        var counters: [Key: (messages: Counter, bytes: Counter)] = [:]
        for plant in Plant.allCases {
            for op in ChangeOperation.allCases {
                for format in Format.allCases {
                    let dimensions = [("plant", plant.rawValue), ("op", op.rawValue), ("format", format.rawValue)]
                    counters[Key(plant: plant, op: op, format: format)] = (Counter(label: "image_api_image", dimensions: dimensions),
                                                                            Counter(label: "image_api_image_size", dimensions: dimensions))
                }
            }
        }
        self.counters = counters
    }

    func published(_ entry: OutboxEntry, format: Format, bytes: Int) {
        guard let pair = counters[Key(plant: entry.plant, op: entry.op, format: format)] else { return }
        pair.messages.increment()
        pair.bytes.increment(by: bytes)
    }
}
