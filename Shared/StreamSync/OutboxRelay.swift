import Foundation
import ImageModel
import Kafka
import Logging
import Metrics
import ServiceKit
import ServiceLifecycle

/// Publishes the producer DB's outbox to Kafka, in order, and removes events only after the
/// broker acknowledged them. A crash between the two republishes the same events (same event
/// id) on restart: delivery is at least once, and the consumer's version guard makes the
/// duplicates harmless.
///
/// It runs when `notify()` says a change was committed and every `pollInterval` otherwise (for
/// events left by a crash or written by another instance). With a `LegacyMirror`, each batch
/// is also published in the LIMS legacy format before its events leave the outbox.
///
/// An event that no retry could publish (larger than its topic or the producer accepts,
/// refused by the broker as invalid or unauthorized) is parked in the producer DB with the
/// reason, and so are its record's later events, behind it: they never overtake it, while
/// every other record flows on. Transient failures (broker down, timeouts, leader moves) keep
/// the events in the outbox and back off. `image-api parked` lists, retries and discards.
public final class OutboxRelay: Service, Sendable {
    private let outbox: any ChangeOutbox
    private let producer: KafkaProducer
    private let topics: SyncTopics
    private let legacy: LegacyMirror?
    private let batchSize: Int
    private let pollInterval: Duration
    private let logger: Logger
    private let limits: PublishLimits
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let metrics = RelayMetrics()
    /// This relay among the replicas' relays: it publishes only records it claimed.
    private let claimant = OutboxClaimant(id: "relay-" + UUID().uuidString, lease: OutboxRelay.claimLease)

    /// - Parameter limits: the largest message the producer and each topic accept.
    public init(outbox: any ChangeOutbox, producer: KafkaProducer, topics: SyncTopics, legacy: LegacyMirror? = nil,
                limits: PublishLimits = PublishLimits(), batchSize: Int = 500, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.outbox = outbox
        self.producer = producer
        self.topics = topics
        self.legacy = legacy
        self.limits = limits
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
        var parkedChecked: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if parkedChecked.map({ ContinuousClock.now - $0 > Self.parkedRefresh }) ?? true {
                    try await refreshParkedMetrics()
                    parkedChecked = .now
                }
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

    /// How often the parked count and age are read when nothing is parked meanwhile.
    static let parkedRefresh: Duration = .seconds(5)
    /// A batch read from the outbox ends once its envelopes hold this much: 500 creates with
    /// the largest JPEG would be 500 MB; 8 MiB is still hundreds of ordinary events.
    static let maxBatchBytes = 8 << 20
    /// How long a relay's claim on a record lasts unless released: a crashed relay's records
    /// go to the others after this. Longer than a batch ever takes (a slow database, a broker
    /// timing out), or two relays would publish one record's events (harmless duplicates,
    /// but duplicates).
    static let claimLease: Duration = .seconds(30)

    /// Publishes one batch, parking what can never be published; returns how many events it
    /// published or parked (0: the outbox is empty).
    /// - Throws: after a transient failure, once the delivered events left the outbox: the
    ///   rest stays for the next try.
    func publishPending() async throws -> Int {
        let entries = try await outbox.pendingChanges(limit: batchSize, maxBytes: Self.maxBatchBytes, claimant: claimant)
        metrics.depth.record(entries.count)
        guard !entries.isEmpty else { return 0 }
        let start = ContinuousClock.now
        do {
            let count = try await publish(entries)
            if ContinuousClock.now - start > Self.claimLease / 2 {
                logger.warning("an outbox batch took more than half the claim lease; other relays may publish its records too",
                               metadata: ["batch.duration": "\(ContinuousClock.now - start)", "claim.lease": "\(Self.claimLease)"])
            }
            try await outbox.releaseClaims(of: claimant)
            return count
        } catch {
            // Released on failure too, so another relay can try at once; a failed release
            // only delays that until the lease ends.
            try? await outbox.releaseClaims(of: claimant)
            throw error
        }
    }

    /// Publishes claimed `entries`, parking what can never be published.
    private func publish(_ entries: [OutboxEntry]) async throws -> Int {
        var plan = PublishPlan()
        for entry in entries {
            let topic = topics.topic(for: entry.plant)
            plan.add(entry, refusal: limits.refusal(of: entry.messageBytes, topic: topic).map { "\($0) (\(entry.messageBytes) bytes)" })
        }
        let start = ContinuousClock.now
        let outcomes = await producer.sendEach(plan.sendable.map { entry in
            KafkaOutgoingMessage(topic: topics.topic(for: entry.plant), key: entry.key, value: entry.envelope,
                                 headers: entry.headers.map { KafkaHeader(name: $0.name, string: $0.value) })
        })
        metrics.publishLatency.record(duration: ContinuousClock.now - start)
        let failure = plan.settle(outcomes)
        try await park(plan)
        let delivered = plan.delivered
        if !delivered.isEmpty {
            let legacySizes = try await legacy?.publish(delivered)
            try await outbox.removePublished(delivered)
            for (index, entry) in delivered.enumerated() {
                metrics.published(entry, format: .envelope, bytes: entry.envelope.count)
                if let legacySizes, legacySizes[index] > 0 { metrics.published(entry, format: .legacy, bytes: legacySizes[index]) }
            }
        }
        if let failure { throw failure }
        if entries.count == batchSize { metrics.depth.record(try await outbox.pendingChangeCount()) }
        logger.debug("published change events", metadata: ["events": "\(delivered.count)"])
        return entries.count
    }

    /// Parks what the plan refused, one log line per event, and updates the parked metrics.
    private func park(_ plan: PublishPlan) async throws {
        guard !plan.refused.isEmpty || !plan.behind.isEmpty else { return }
        for (entry, reason) in plan.refused {
            try await outbox.park([entry], reason: reason, attempts: 1, onlyBehindParked: false)
            logger.error("change event parked: it can never be published as it is", metadata: [
                "image.plant": "\(entry.plant.rawValue)", "image.id": "\(entry.imageID)", "event.version": "\(entry.version)",
                "reason": "\(reason)", "fix": "image-api parked list / retry / discard",
            ])
        }
        for (entry, ahead) in plan.behind {
            let reason = "waiting behind \(ahead.map { "version \($0)" } ?? "an earlier version") of \(entry.plant.rawValue) image \(entry.imageID), which is parked"
            // An event that only waits moves only while its record still has a parked event:
            // an operator may have retried the record meanwhile.
            try await outbox.park([entry], reason: reason, attempts: 0, onlyBehindParked: ahead == nil)
            logger.warning("change event parked behind an earlier one of its record", metadata: [
                "image.plant": "\(entry.plant.rawValue)", "image.id": "\(entry.imageID)", "event.version": "\(entry.version)",
            ])
        }
        try await refreshParkedMetrics()
    }

    private func refreshParkedMetrics() async throws {
        let summary = try await outbox.parkedSummary()
        metrics.parked.record(summary.count)
        let age = summary.oldest.map { Double(Timestamp.microseconds(from: $0.microsecondsSinceEpoch, to: Timestamp.currentMicroseconds())) / 1e6 }
        metrics.parkedAge.record(age ?? 0)
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
    let parked = Gauge(label: "image_api_outbox_parked_events")
    let parkedAge = Gauge(label: "image_api_outbox_parked_oldest_age_seconds")
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
