import ImageModel
import Kafka
import Logging
import Metrics
import ServiceKit

/// Fills a consumer DB from the producer DB while writes go on, then hands the consumer group
/// to the stream with no gap:
///
/// 1. It records where every plant topic ends now (the group's start positions), before it
///    reads a single record.
/// 2. It copies the producer's records plant by plant, in pages by id, through the version
///    guard, storing its progress in the consumer DB after every page.
/// 3. It commits the recorded positions for the group; consumers started then stream from them.
///
/// No change falls in between: a change whose event was on a topic before step 1 was
/// committed in the producer DB before step 1, so the copy, which reads each record after
/// that, holds it. Every later event is at or after a recorded position, so the stream
/// applies it. A change in both is applied once: the guard finds the second copy stale.
///
/// A killed bootstrap resumes after its last stored page with the positions it recorded first.
public struct ConsumerBootstrap: Sendable {
    public struct Settings: Sendable {
        /// Image bytes a page aims at (`PageSizer`).
        public var pageBytes: Int
        /// Records copied per second at most; nil for as fast as the databases go.
        public var maxRecordsPerSecond: Double?
        public var progressInterval: Duration
        /// How long the brokers may take to answer the offsets' requests.
        public var kafkaTimeout: Duration
        /// Tries of one step that a database fails (a deadlock with the stream's writes, too
        /// many connections, a server's internal error) before the bootstrap stops with the
        /// error, its progress stored: 8 wait ~11 s in all. An unreachable database is waited
        /// for as long as it takes.
        public var failureAttempts: Int

        public init(pageBytes: Int = 8 << 20, maxRecordsPerSecond: Double? = nil, progressInterval: Duration = .seconds(5),
                    kafkaTimeout: Duration = .seconds(30), failureAttempts: Int = 8) {
            self.pageBytes = pageBytes
            self.maxRecordsPerSecond = maxRecordsPerSecond
            self.progressInterval = progressInterval
            self.kafkaTimeout = kafkaTimeout
            self.failureAttempts = failureAttempts
        }
    }

    let producer: any ImageRepository & ChangedImageReader
    let replica: any ImageReplica & BootstrapStateStore
    let kafka: KafkaConfiguration
    let groupID: String
    let topics: SyncTopics
    let settings: Settings
    let logger: Logger

    public init(producer: any ImageRepository & ChangedImageReader, replica: any ImageReplica & BootstrapStateStore,
                kafka: KafkaConfiguration, groupID: String, topics: SyncTopics, settings: Settings, logger: Logger) {
        self.producer = producer
        self.replica = replica
        self.kafka = kafka
        self.groupID = groupID
        self.topics = topics
        self.settings = settings
        self.logger = logger
    }

    /// Bootstraps, or resumes the bootstrap stored in the consumer DB; returns its final state.
    /// A finished one is left as it is unless `again`, which starts anew.
    /// - Throws: `ImageError` for a stored state that does not read or a database that fails
    ///   for good, `KafkaError` when the brokers cannot be asked; the progress stored so far
    ///   stays, so running it again resumes.
    public func run(again: Bool = false) async throws -> BootstrapState {
        var state: BootstrapState
        if !again, let stored = try await retrying("read the bootstrap state", { try await replica.bootstrapState(group: groupID) }) {
            state = try BootstrapState(text: stored)
            if state.finishedAt != nil {
                logger.info("bootstrap already finished; nothing to do (pass --again to bootstrap anew)", metadata: metadata(state))
                return state
            }
            logger.info("resuming bootstrap", metadata: metadata(state))
        } else {
            state = try await begin()
        }
        let metrics = BootstrapMetrics(state)
        var progress = ProgressReport(interval: settings.progressInterval, maxRate: settings.maxRecordsPerSecond)
        for index in state.plants.indices where !state.plants[index].done {
            try await copy(plantAt: index, of: &state, metrics: metrics, progress: &progress)
        }
        try await KafkaGroupOffsets.commit(state.offsets, groupID: groupID, configuration: kafka, timeout: settings.kafkaTimeout,
                                           logger: logger)
        state.finishedAt = Timestamp.now().millisecondsSinceEpoch
        try await store(state)
        metrics.finished()
        if state.refused > 0 {
            logger.warning("bootstrap finished without the records the consumer DB refused", metadata: metadata(state).merging([
                "bootstrap.refused_ids": "\(state.plants.flatMap { progress in (progress.refusals ?? []).map { "\(progress.plant.rawValue) \($0.imageID)" } })",
            ]) { $1 })
        }
        logger.info("bootstrap finished; the group starts at the recorded positions", metadata: metadata(state))
        return state
    }

    /// Returns true once no bootstrap of `group` is unfinished in `store`: a consumer that
    /// joined the group meanwhile would stream from the group's old positions, and the
    /// bootstrap's final commit would move them under it. Meanwhile `health` says what it waits
    /// for, and so does a log line every minute. False when cancelled.
    public static func waitUntilFinished(group: String, store: any BootstrapStateStore, health: SyncHealth, logger: Logger,
                                         every interval: Duration = .seconds(2)) async throws -> Bool {
        var told: ContinuousClock.Instant?
        var backoff = Backoff()
        waiting: while !Task.isCancelled {
            let problem: String
            var pause = interval
            do throws(ImageError) {
                guard let text = try await store.bootstrapState(group: group) else { break waiting }
                backoff.succeeded()
                switch Result(catching: { () throws(ImageError) in try BootstrapState(text: text) }) {
                case .success(let state) where state.finishedAt != nil:
                    break waiting
                case .success(let state):
                    problem = "a bootstrap of this group is unfinished (\(state.copied) of \(state.total) records copied); "
                        + "the stream starts once `consumer bootstrap` has finished it"
                case .failure(let error):
                    problem = "the bootstrap state of this group does not read (\(error.message)); run `consumer bootstrap --again`"
                }
            } catch {
                guard error.code == .storeUnavailable else { throw error }
                problem = "the consumer DB is unreachable: \(error.message)"
                pause = backoff.failed()
            }
            health.degraded(problem)
            if told.map({ ContinuousClock.now - $0 >= .seconds(60) }) ?? true {
                told = .now
                logger.warning("waiting for the bootstrap", metadata: ["kafka.group": "\(group)", "reason": "\(problem)"])
            }
            do { try await Task.sleep(for: pause) } catch { return false }
        }
        if told != nil { health.recovered() }
        return !Task.isCancelled
    }

    /// Records the positions first, then the totals, and stores them before any copy.
    private func begin() async throws -> BootstrapState {
        let positions = try await KafkaGroupOffsets.endOffsets(of: topics.plantTopics, configuration: kafka,
                                                               timeout: settings.kafkaTimeout, logger: logger)
        let missing = Set(topics.plantTopics).subtracting(positions.map(\.topic))
        guard missing.isEmpty else {
            throw KafkaError(code: .broker, message: "the brokers do not know the topics \(missing.sorted()); nothing to record positions of")
        }
        var totals: [Plant: Int64] = [:]
        for plant in Plant.allCases {
            totals[plant] = try await retrying("count the producer's \(plant.rawValue) records") { try await producer.total(plant: plant) }
        }
        let state = BootstrapState(positions: positions, totals: totals, startedAt: .now())
        try await store(state)
        logger.info("bootstrap started: recorded the group's start positions", metadata: metadata(state).merging([
            "kafka.positions": "\(positions.map(\.description).joined(separator: ","))",
        ]) { $1 })
        return state
    }

    private func copy(plantAt index: Int, of state: inout BootstrapState, metrics: BootstrapMetrics,
                      progress: inout ProgressReport) async throws {
        let plant = state.plants[index].plant
        var sizer = PageSizer(budget: settings.pageBytes)
        // The next page is read while this one is written: two pages in memory at most.
        var ahead: (page: Task<[Image], any Error>, limit: Int)?
        defer { ahead?.page.cancel() }
        while !state.plants[index].done {
            let afterID = state.plants[index].afterID
            let page: [Image], limit: Int
            if let next = ahead {
                (page, limit) = (try await next.page.value, next.limit)
                ahead = nil
            } else {
                limit = sizer.limit
                page = try await read(plant, after: afterID, limit: limit)
            }
            sizer.observe(page)
            if page.count == limit, let last = page.last?.id {
                let nextLimit = sizer.limit
                ahead = (Task { try await read(plant, after: last, limit: nextLimit) }, nextLimit)
            }
            // A record the consumer DB refuses for good is left out and said; the others go on.
            let refused = page.isEmpty ? [:] : try await retrying("write a page to the consumer DB") {
                try await replica.applyIsolatingRefusals(page.map { ReplicaWrite.upsert(plant, $0) }[...]).refused
            }
            state.plants[index].copied += Int64(page.count - refused.count)
            if !refused.isEmpty { refuse(refused, plantAt: index, of: &state, metrics: metrics) }
            state.plants[index].afterID = page.last?.id ?? afterID
            state.plants[index].done = page.count < limit
            try await store(state)
            metrics.copied(refused.isEmpty ? page : page.filter { refused[RecordKey(plant: plant, imageID: $0.id)] == nil },
                           plant: plant, state: state)
            if let figures = progress.after(page.count, state: state) {
                logger.info("bootstrap progress", metadata: metadata(state).merging(figures.metadata) { $1 })
                if let eta = figures.eta { metrics.eta.record(eta) }
            }
            if let pause = progress.pauseForRate() { try await Task.sleep(for: pause) }
        }
    }

    private func read(_ plant: Plant, after afterID: Int64, limit: Int) async throws -> [Image] {
        try await retrying("read a page of the producer's \(plant.rawValue) records") {
            try await producer.changedImages(plant: plant, since: nil, afterID: afterID, limit: limit)
        }
    }

    private func refuse(_ refused: [RecordKey: String], plantAt index: Int, of state: inout BootstrapState,
                        metrics: BootstrapMetrics) {
        for (key, reason) in refused.sorted(by: { $0.key.imageID < $1.key.imageID }) {
            logger.error("bootstrap: the consumer DB refused a record; it is not copied, the others are", metadata: [
                "image.plant": "\(key.plant.rawValue)", "image.id": "\(key.imageID)", "reason": "\(reason)",
                "fix": "make the consumer DB accept it, then `verify --repair` republishes it",
            ])
            var kept = state.plants[index].refusals ?? []
            if kept.count < BootstrapState.refusalsKept { kept.append(.init(imageID: key.imageID, reason: reason)) }
            state.plants[index].refusals = kept
        }
        state.plants[index].refused = (state.plants[index].refused ?? 0) + Int64(refused.count)
        metrics.refused(refused.count, plant: state.plants[index].plant)
    }

    private func store(_ state: BootstrapState) async throws {
        try await retrying("store the bootstrap's progress") { try await replica.setBootstrapState(state.text, group: groupID) }
    }

    /// Runs `body` until it succeeds while a database is unreachable, and up to
    /// `failureAttempts` times while one fails, with capped backoff and a log line per try; any
    /// other error (or failures past that) ends the bootstrap, its progress stored.
    private func retrying<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var backoff = Backoff()
        var failures = 0
        while true {
            do {
                return try await body()
            } catch let error as ImageError where error.code == .storeUnavailable
                || error.code == .storeFailure && failures + 1 < settings.failureAttempts {
                if error.code == .storeFailure { failures += 1 }
                let delay = backoff.failed()
                let why = error.code == .storeUnavailable ? "a database is unreachable"
                    : "a database failed (try \(failures) of \(settings.failureAttempts))"
                logger.warning("could not \(what): \(why); retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    private func metadata(_ state: BootstrapState) -> Logger.Metadata {
        ["kafka.group": "\(groupID)", "bootstrap.copied": "\(state.copied)", "bootstrap.refused": "\(state.refused)",
         "bootstrap.total": "\(state.total)"]
    }
}

/// How many records the next page asks for, so that a page holds about `budget` image bytes:
/// the budget over the largest record seen so far (the largest legal one before any is seen).
/// A page of records all larger than any before it can exceed the budget once; the next
/// page is sized by them.
struct PageSizer {
    let budget: Int
    /// Bytes a record holds besides its JPEG, at most (`EventLimits.maxFieldBytes`).
    static let fieldBytes = EventLimits.maxFieldBytes
    static let maxLimit = 1000
    /// The largest JPEG seen so far; nil before the first page.
    private(set) var largest: Int?

    var limit: Int { min(Self.maxLimit, max(1, budget / ((largest ?? EventLimits.maxImageBytes) + Self.fieldBytes))) }

    mutating func observe(_ page: [Image]) {
        guard let size = page.map(\.data.count).max() else { return }
        largest = max(largest ?? 0, size)
    }
}

/// The terminal's progress (records, rate, ETA), at most once per interval, and the pause
/// that keeps the copy under its rate limit.
struct ProgressReport {
    private let start = ContinuousClock.now
    private let interval: Duration
    private let maxRate: Double?
    private var reported = ContinuousClock.now
    private var copiedThisRun: Int64 = 0

    init(interval: Duration, maxRate: Double?) {
        self.interval = interval
        self.maxRate = maxRate
    }

    /// One progress line's figures.
    struct Figures {
        let rate: Double
        let percent: Int64
        /// Seconds to go at this run's rate; nil before anything was copied.
        let eta: Double?

        var metadata: Logger.Metadata {
            var fields: Logger.Metadata = ["bootstrap.rate": "\(Int(rate.rounded())) records/s", "bootstrap.percent": "\(percent)"]
            if let eta { fields["bootstrap.eta"] = "\(Int(eta.rounded())) s" }
            return fields
        }
    }

    /// Counts `count` records; the figures when a report is due.
    mutating func after(_ count: Int, state: BootstrapState) -> Figures? {
        copiedThisRun += Int64(count)
        let now = ContinuousClock.now
        guard now - reported >= interval else { return nil }
        reported = now
        let elapsed = now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(copiedThisRun) / seconds : 0
        let remaining = state.remaining
        return Figures(rate: rate, percent: state.total > 0 ? state.copied * 100 / state.total : 100,
                       eta: rate > 0 ? Double(remaining) / rate : nil)
    }

    /// How long to wait so that this run's copy stays at or under `maxRate` records/s.
    func pauseForRate() -> Duration? {
        guard let maxRate, maxRate > 0 else { return nil }
        let due = start + .seconds(Double(copiedThisRun) / maxRate)
        let now = ContinuousClock.now
        return due > now ? due - now : nil
    }
}

/// `bootstrap_*` metrics: records and bytes copied, records remaining, the ETA, and whether
/// it finished.
final class BootstrapMetrics: Sendable {
    private let copiedRecords: [Plant: Counter]
    private let refusedRecords: [Plant: Counter]
    private let copiedBytes = Counter(label: "bootstrap_bytes_copied_total")
    private let remaining = Gauge(label: "bootstrap_records_remaining")
    let eta = Gauge(label: "bootstrap_eta_seconds")
    private let done = Gauge(label: "bootstrap_finished")

    init(_ state: BootstrapState) {
        copiedRecords = Dictionary(uniqueKeysWithValues: Plant.allCases.map {
            ($0, Counter(label: "bootstrap_records_copied_total", dimensions: [("plant", $0.rawValue)]))
        })
        refusedRecords = Dictionary(uniqueKeysWithValues: Plant.allCases.map {
            ($0, Counter(label: "bootstrap_records_refused_total", dimensions: [("plant", $0.rawValue)]))
        })
        remaining.record(state.remaining)
        done.record(0)
    }

    func refused(_ count: Int, plant: Plant) {
        refusedRecords[plant]?.increment(by: count)
    }

    func copied(_ page: [Image], plant: Plant, state: BootstrapState) {
        copiedRecords[plant]?.increment(by: page.count)
        copiedBytes.increment(by: page.reduce(0) { $0 + $1.data.count })
        remaining.record(state.remaining)
    }

    func finished() {
        remaining.record(0)
        eta.record(0)
        done.record(1)
    }
}
