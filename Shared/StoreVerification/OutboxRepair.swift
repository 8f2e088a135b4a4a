import ImageModel
import Logging

/// Mends a difference through the producer's outbox, so the stream carries the repair in
/// order: the producer's record published again above the consumer's version (the version
/// guard takes it), or, for a record only the consumer has, a purge of the version it holds.
/// It never writes the consumer DB. Each repair is a log line; `StoreComparison` counts them.
public struct OutboxRepair: Sendable {
    let producer: any ChangeRepublisher
    let logger: Logger

    public init(producer: any ChangeRepublisher, logger: Logger) {
        self.producer = producer
        self.logger = logger
    }

    /// Repairs `difference` of `plant`; false when there was nothing to publish (the record
    /// is in neither database any more).
    /// - Throws: `ImageError` when the producer DB fails.
    public func callAsFunction(_ plant: Plant, _ difference: RecordDifference) async throws -> Bool {
        let fields: Logger.Metadata = ["image.plant": "\(plant.rawValue)", "image.id": "\(difference.id)",
                                       "verify.kind": "\(difference.kind.rawValue)",
                                       "verify.consumer_version": "\(difference.consumerVersion.map(String.init) ?? "-")"]
        if difference.kind == .extra, let version = difference.consumerVersion,
           try await producer.purge(plant: plant, id: difference.id, removing: version) {
            logger.notice("repaired: a purge of the consumer's record published", metadata: fields)
            return true
        }
        // Not extra, or the producer has the record by now.
        guard let image = try await producer.republish(plant: plant, id: difference.id, above: difference.consumerVersion ?? 0) else {
            logger.warning("not repaired: the producer has no such record", metadata: fields)
            return false
        }
        logger.notice("repaired: the producer's record published again", metadata: fields.merging(["image.version": "\(image.version)"]) { $1 })
        return true
    }
}
