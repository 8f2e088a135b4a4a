/// The producer side of `verify --repair`: a record published again through the outbox, so
/// the repair travels behind the record's earlier events and before its later ones.
public protocol ChangeRepublisher: Sendable {
    /// Gives the record a new version above both its own and `version` (what the consumer DB
    /// holds), and puts its whole state in the outbox as a `repair` event, in the same
    /// transaction (or single-document write). The consumer's version guard then takes it
    /// over whatever the consumer DB holds. Nil when the producer has no such record.
    func republish(plant: Plant, id: Int64, above version: Int64) async throws(ImageError) -> Image?
    /// Puts a purge of the consumer DB's record `id` (at `version`) in the outbox, unless the
    /// producer has that record: then it returns false, and the record is for `republish`.
    func purge(plant: Plant, id: Int64, removing version: Int64) async throws(ImageError) -> Bool
}

extension Image {
    /// The record as its next version above both its own and `version`; nil when that would
    /// overflow.
    public func republished(above version: Int64) -> Image? {
        let (next, overflow) = Swift.max(self.version, version).addingReportingOverflow(1)
        guard !overflow else { return nil }
        var image = self
        image.version = next
        return image
    }
}
