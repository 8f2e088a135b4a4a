/// A change event waiting in the producer DB's outbox, written in the same transaction (or
/// document update) as the change itself, and removed only once the broker has it.
public struct OutboxEntry: Sendable, Hashable {
    public let plant: Plant
    public let imageID: Int64
    public let version: Int64
    public let op: ChangeOperation
    /// The event's JSON envelope, ready to publish.
    public let envelope: [UInt8]

    public init(plant: Plant, imageID: Int64, version: Int64, op: ChangeOperation, envelope: [UInt8]) {
        self.plant = plant
        self.imageID = imageID
        self.version = version
        self.op = op
        self.envelope = envelope
    }

    public init(_ event: ChangeEvent) {
        self.init(plant: event.plant, imageID: event.imageID, version: event.version, op: event.op, envelope: event.envelope)
    }

    public var eventID: String { ChangeEvent.eventID(plant: plant, imageID: imageID, version: version) }
    public var key: [UInt8] { ChangeEvent.key(imageID: imageID) }
    public var headers: [(name: String, value: String)] { ChangeEvent.headers(op: op, eventID: eventID) }
}

/// The producer side of the outbox: what the relay reads and clears. A store that writes
/// change events implements it.
public protocol ChangeOutbox: Sendable {
    /// Up to `limit` unpublished events, oldest first; the events of one record always in
    /// version order.
    func pendingChanges(limit: Int) async throws(ImageError) -> [OutboxEntry]
    /// Removes events the broker has acknowledged; entries already removed are ignored.
    func removePublished(_ entries: [OutboxEntry]) async throws(ImageError)
    /// How many events wait.
    func pendingChangeCount() async throws(ImageError) -> Int64
}
