import ImageModel
import Logging

/// Compares a producer and a consumer database plant by plant: record counts, records only on
/// one side, and records whose LIMS fields differ.
///
/// Both sides are read in pages by ascending id and merge-joined by id, so memory holds at
/// most one page per side whatever the size of the databases. The sides are read while they
/// may change; for an exact answer compare when no sync is writing.
public struct StoreComparison: Sendable {
    public let producer: any ImageRepository
    public let consumer: any ImageRepository
    /// Records per page read from each side.
    public let pageSize: Int
    /// How many differences per plant are kept in detail; all are counted.
    public let maxDetails: Int
    private let logger: Logger

    /// - Parameters:
    ///   - pageSize: records per read, at least 1.
    ///   - maxDetails: differences per plant listed in the report, at least 0.
    public init(producer: any ImageRepository, consumer: any ImageRepository, pageSize: Int = 200, maxDetails: Int = 20, logger: Logger) {
        precondition(pageSize >= 1, "pageSize must be at least 1")
        precondition(maxDetails >= 0, "maxDetails must not be negative")
        self.producer = producer
        self.consumer = consumer
        self.pageSize = pageSize
        self.maxDetails = maxDetails
        self.logger = logger
    }

    /// Compares `plants` one after the other.
    /// - Throws: `ImageError` when either database fails or cannot be reached.
    public func compare(plants: [Plant] = Plant.allCases) async throws -> VerificationReport {
        var reports: [PlantReport] = []
        for plant in plants { reports.append(try await compare(plant: plant)) }
        return VerificationReport(plants: reports)
    }

    /// Compares the records of one plant.
    /// - Throws: `ImageError` when either database fails or cannot be reached.
    public func compare(plant: Plant) async throws -> PlantReport {
        var report = PlantReport(plant: plant)
        var producerSide = PageCursor(repository: producer, plant: plant, pageSize: pageSize)
        var consumerSide = PageCursor(repository: consumer, plant: plant, pageSize: pageSize)
        while true {
            let produced = try await producerSide.peek()
            let consumed = try await consumerSide.peek()
            switch (produced, consumed) {
            case (nil, nil):
                logger.info("plant compared", metadata: [
                    "image.plant": "\(plant.rawValue)", "verify.producer_count": "\(report.producerCount)",
                    "verify.consumer_count": "\(report.consumerCount)", "verify.differences": "\(report.differenceCount)",
                ])
                return report
            case (let p?, let c?) where p.id == c.id:
                report.producerCount += 1
                report.consumerCount += 1
                let fields = ComparedField.differences(between: p, and: c)
                if !fields.isEmpty {
                    report.different += 1
                    record(RecordDifference(kind: .different, id: p.id, producerDigest: p.verificationDigest,
                                            consumerDigest: c.verificationDigest, fields: fields), in: &report)
                }
                producerSide.advance()
                consumerSide.advance()
            case (let p?, let c) where c.map({ p.id < $0.id }) ?? true:
                report.producerCount += 1
                report.missing += 1
                record(RecordDifference(kind: .missing, id: p.id, producerDigest: p.verificationDigest, consumerDigest: nil), in: &report)
                producerSide.advance()
            case (_, let c?):
                report.consumerCount += 1
                report.extra += 1
                record(RecordDifference(kind: .extra, id: c.id, producerDigest: nil, consumerDigest: c.verificationDigest), in: &report)
                consumerSide.advance()
            default:
                preconditionFailure("unreachable: every pairing of present and absent records is handled above")
            }
        }
    }

    private func record(_ difference: RecordDifference, in report: inout PlantReport) {
        if report.details.count < maxDetails { report.details.append(difference) }
    }
}
