/// An update or delete that reached the consumer before its record (its create was
/// dead-lettered, replayed late, or is still on its way). It waits in the consumer DB, with
/// the message it came in, until the record arrives and the version guard applies it, or
/// until it has waited too long and is dead-lettered.
public struct WaitingChange: Sendable, Hashable {
    public let plant: Plant
    public let imageID: Int64
    public let version: Int64
    /// Where the message came from, for its dead letter.
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    /// The message's value, decoded again when the record arrives.
    public let message: [UInt8]
    /// When it was first parked (a redelivery keeps the first time).
    public let waitingSince: Timestamp

    public init(plant: Plant, imageID: Int64, version: Int64, topic: String, partition: Int32, offset: Int64,
                key: [UInt8]?, message: [UInt8], waitingSince: Timestamp) {
        self.plant = plant
        self.imageID = imageID
        self.version = version
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.message = message
        self.waitingSince = waitingSince
    }

    /// The event it carries, decoded as when it arrived.
    public func event() throws(ImageError) -> ChangeEvent {
        guard case .event(let event) = try IncomingChange(message: message, topicPlant: plant) else {
            throw ImageError.invalidField("message", "a waiting change must be an event in our envelope")
        }
        return event
    }
}

/// A waiting change's identity: a redelivery of the same event is the same waiting change.
public struct WaitingKey: Sendable, Hashable {
    public let plant: Plant
    public let imageID: Int64
    public let version: Int64

    public init(plant: Plant, imageID: Int64, version: Int64) {
        self.plant = plant
        self.imageID = imageID
        self.version = version
    }

    public init(_ change: WaitingChange) { self.init(plant: change.plant, imageID: change.imageID, version: change.version) }
    public init(_ event: ChangeEvent) { self.init(plant: event.plant, imageID: event.imageID, version: event.version) }
}

/// The consumer DB's side of waiting changes.
public protocol WaitingChanges: Sendable {
    /// Stores `changes`; one already stored (a redelivery) keeps its first `waitingSince`.
    func park(waiting changes: [WaitingChange]) async throws(ImageError)
    /// The waiting changes of those of `records` that have some, in one query.
    func waitingChanges(of records: [RecordKey]) async throws(ImageError) -> [WaitingChange]
    /// Up to `limit` waiting changes parked before `before`, oldest first.
    func waitingChanges(before: Timestamp, limit: Int) async throws(ImageError) -> [WaitingChange]
    /// Removes the waiting changes with these keys (applied, stale or dead-lettered).
    func removeWaiting(_ keys: [WaitingKey]) async throws(ImageError)
    /// How many wait, and since when the oldest does.
    func waitingSummary() async throws(ImageError) -> ParkedSummary
}
