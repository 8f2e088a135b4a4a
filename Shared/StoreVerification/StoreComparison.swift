import ImageModel
import Logging

/// Compares a producer and a consumer database plant by plant: record counts, records only on
/// one side, and records whose LIMS fields differ.
///
/// Both sides are read in pages by ascending id and merge-joined by id, so memory holds at
/// most one page per side and plant whatever the size of the databases.
///
/// Compared once (no `allowance`), the sides are read while they may change: compare when no
/// sync is writing. Compared live, versions must agree too, and every difference of the first
/// read is read again (consumer, then producer): at once when no change in flight can explain
/// it, otherwise once `allowance` has passed. A change in flight has arrived by then and is
/// counted as settled; what stays is a consumer behind the version the producer had at the
/// first read, a version ahead of the producer's, the same version with other fields, or a
/// record on one side only.
///
/// No change in flight explains the same version with other fields, a consumer ahead, a
/// record only the consumer has (producers never delete one), or a consumer behind (or
/// lacking) a producer record last changed longer ago than the allowance plus
/// `clockTolerance`: that change had its time to arrive. So damage to records nobody writes is
/// found and repaired without waiting; only records changed within the allowance wait it out.
public struct StoreComparison: Sendable {
    public let producer: any ImageRepository
    public let consumer: any ImageRepository
    /// Records per page read from each side.
    public let pageSize: Int
    /// How many differences per plant are kept in detail; all are counted.
    public let maxDetails: Int
    /// Compared live: how long a change may take to reach the consumer DB.
    public let allowance: Duration?
    /// Called with each difference that stays (compared live) to mend it; true if it did.
    public let repair: (@Sendable (Plant, RecordDifference) async throws -> Bool)?
    private let logger: Logger
    /// Waits out the allowance; tests make changes arrive in it instead.
    var waitForAllowance: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    /// Differences per plant read again, at most; any beyond are counted as first seen.
    static let maxRechecked = 100_000
    /// How far the producers' clocks (which stamp `updated_at`) may be from ours.
    public static let clockTolerance = Duration.seconds(1)

    /// - Parameters:
    ///   - pageSize: records per read, at least 1.
    ///   - maxDetails: differences per plant listed in the report, at least 0.
    ///   - allowance: nil to compare once; otherwise compare live with this staleness allowance.
    public init(producer: any ImageRepository, consumer: any ImageRepository, pageSize: Int = 200, maxDetails: Int = 20,
                allowance: Duration? = nil, repair: (@Sendable (Plant, RecordDifference) async throws -> Bool)? = nil, logger: Logger) {
        precondition(pageSize >= 1, "pageSize must be at least 1")
        precondition(maxDetails >= 0, "maxDetails must not be negative")
        self.producer = producer
        self.consumer = consumer
        self.pageSize = pageSize
        self.maxDetails = maxDetails
        self.allowance = allowance
        self.repair = repair
        self.logger = logger
    }

    /// Compares `plants` side by side, so a live comparison waits out its allowance once for
    /// all of them rather than once per plant; the report lists them in the order given.
    /// - Throws: `ImageError` when either database fails or cannot be reached.
    public func compare(plants: [Plant] = Plant.allCases) async throws -> VerificationReport {
        let reports = try await withThrowingTaskGroup(of: (Int, PlantReport).self) { group in
            for (index, plant) in plants.enumerated() {
                group.addTask { (index, try await compare(plant: plant)) }
            }
            var reports: [(Int, PlantReport)] = []
            for try await report in group { reports.append(report) }
            return reports.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return VerificationReport(plants: reports)
    }

    /// Compares the records of one plant.
    /// - Throws: `ImageError` when either database fails or cannot be reached.
    public func compare(plant: Plant) async throws -> PlantReport {
        var report = PlantReport(plant: plant)
        var suspects: [RecordDifference] = []
        var producerSide = PageCursor(repository: producer, plant: plant, pageSize: pageSize)
        var consumerSide = PageCursor(repository: consumer, plant: plant, pageSize: pageSize)
        while true {
            let produced = try await producerSide.peek()
            let consumed = try await consumerSide.peek()
            let id: Int64
            switch (produced, consumed) {
            case (nil, nil):
                if let allowance, !suspects.isEmpty {
                    try await waitForAllowance(allowance)
                    for suspect in suspects { _ = try await recheck(suspect, plant: plant, in: &report) }
                }
                // Definite differences were counted during the scan, the rest after the wait.
                report.details.sort { $0.id < $1.id }
                logger.info("plant compared", metadata: [
                    "image.plant": "\(plant.rawValue)", "verify.producer_count": "\(report.producerCount)",
                    "verify.consumer_count": "\(report.consumerCount)", "verify.differences": "\(report.differenceCount)",
                    "verify.settled": "\(report.settled)", "verify.repaired": "\(report.repaired)",
                ])
                return report
            case (let p?, let c?) where p.id == c.id:
                (id, report.producerCount, report.consumerCount) = (p.id, report.producerCount + 1, report.consumerCount + 1)
                producerSide.advance()
                consumerSide.advance()
            case (let p?, let c) where c.map({ p.id < $0.id }) ?? true:
                (id, report.producerCount) = (p.id, report.producerCount + 1)
                producerSide.advance()
            case (_, let c?):
                (id, report.consumerCount) = (c.id, report.consumerCount + 1)
                consumerSide.advance()
            default:
                preconditionFailure("unreachable: every pairing of present and absent records is handled above")
            }
            let (p, c) = (produced?.id == id ? produced : nil, consumed?.id == id ? consumed : nil)
            guard let difference = RecordDifference(id: id, producer: p, consumer: c, versions: allowance != nil) else { continue }
            guard let allowance, suspects.count < Self.maxRechecked else {
                count(difference, in: &report)
                continue
            }
            if Self.mayBeInFlight(producer: p, consumer: c, allowance: allowance) {
                suspects.append(difference)
            } else if let suspect = try await recheck(difference, plant: plant, in: &report, waited: false) {
                suspects.append(suspect)
            }
        }
    }

    /// Reads a difference again, consumer first: a consumer never legitimately holds more than
    /// the producer read after it. Counts it as settled when it is gone or only in flight;
    /// otherwise counts it, and repairs it if asked. Before the allowance has `waited`, a
    /// difference a change in flight may explain is returned instead, to wait it out.
    private func recheck(_ suspect: RecordDifference, plant: Plant, in report: inout PlantReport,
                         waited: Bool = true) async throws -> RecordDifference? {
        let consumed = try await consumer.image(plant: plant, id: suspect.id)
        let produced = try await producer.image(plant: plant, id: suspect.id)
        guard let difference = RecordDifference(id: suspect.id, producer: produced, consumer: consumed, versions: true) else {
            report.settled += 1
            return nil
        }
        // Caught up with what the producer had at the first read; the producer moved on since.
        if let consumed, let produced, consumed.version < produced.version, consumed.version >= suspect.producerVersion ?? .max {
            report.settled += 1
            return nil
        }
        if !waited, let allowance, Self.mayBeInFlight(producer: produced, consumer: consumed, allowance: allowance) {
            return difference
        }
        count(difference, in: &report)
        if let repair, try await repair(plant, difference) { report.repaired += 1 }
        return nil
    }

    /// Whether a change still on its way may explain the difference between these records:
    /// the consumer lacks or is behind a producer record changed within `allowance` (plus
    /// `clockTolerance`) of now.
    static func mayBeInFlight(producer: Image?, consumer: Image?, allowance: Duration, now: Timestamp = .now()) -> Bool {
        guard let producer, (consumer?.version ?? 0) < producer.version else { return false }
        let (seconds, attoseconds) = (allowance + clockTolerance).components
        // In doubles, so no allowance can overflow; milliseconds since 1970 are exact in them.
        let window = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return Double(producer.lastChangedAt.millisecondsSinceEpoch) >= Double(now.millisecondsSinceEpoch) - window
    }

    private func count(_ difference: RecordDifference, in report: inout PlantReport) {
        switch difference.kind {
        case .missing: report.missing += 1
        case .extra: report.extra += 1
        case .different: report.different += 1
        }
        if report.details.count < maxDetails { report.details.append(difference) }
    }
}
