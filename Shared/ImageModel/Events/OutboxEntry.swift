/// A change event waiting in the producer DB's outbox, written in the same transaction (or
/// document update) as the change itself, and removed only once the broker has it.
public struct OutboxEntry: Sendable, Hashable {
    public let plant: Plant
    public let imageID: Int64
    public let version: Int64
    public let op: ChangeOperation
    /// The event's envelope, ready to publish.
    public let envelope: [UInt8]
    /// An event of the same record is parked: this one waits behind it, never published past it.
    public let isBehindParked: Bool

    public init(plant: Plant, imageID: Int64, version: Int64, op: ChangeOperation, envelope: [UInt8], isBehindParked: Bool = false) {
        self.plant = plant
        self.imageID = imageID
        self.version = version
        self.op = op
        self.envelope = envelope
        self.isBehindParked = isBehindParked
    }

    /// `event` with its envelope in schema `schemaVersion`.
    public init(_ event: ChangeEvent, schemaVersion: Int64 = ChangeEvent.schemaVersion) {
        self.init(plant: event.plant, imageID: event.imageID, version: event.version, op: event.op,
                  envelope: event.envelope(schemaVersion: schemaVersion))
    }

    public var eventID: String { ChangeEvent.eventID(plant: plant, imageID: imageID, version: version) }
    public var key: [UInt8] { ChangeEvent.key(imageID: imageID) }
    /// Said by the envelope: an outbox may hold events of both schemas across an upgrade.
    public var headers: [(name: String, value: String)] {
        ChangeEvent.headers(op: op, eventID: eventID, schemaVersion: ChangeEvent.schemaVersion(ofEnvelope: envelope))
    }
}

/// The producer side of the outbox: what the relay reads and clears, and the events it parked
/// because no retry could ever publish them. A store that writes change events implements it.
public protocol ChangeOutbox: Sendable {
    /// Up to `limit` unpublished events, oldest first, ending once their envelopes hold
    /// `maxBytes` (the first always comes, whatever its size); the events of one record always
    /// in version order, each marked when an event of its record is parked.
    ///
    /// With a `claimant`, only events of records it holds a claim on: it claims (for its lease)
    /// the oldest pending records no other claimant holds, so relays of several replicas
    /// divide the outbox by record and never publish one record's events concurrently.
    func pendingChanges(limit: Int, maxBytes: Int, claimant: OutboxClaimant?) async throws(ImageError) -> [OutboxEntry]
    /// Gives up every claim of `claimant` (after a batch): the records' later events may go to
    /// any relay.
    func releaseClaims(of claimant: OutboxClaimant) async throws(ImageError)
    /// Removes events the broker has acknowledged; entries already removed are ignored.
    func removePublished(_ entries: [OutboxEntry]) async throws(ImageError)
    /// How many events wait.
    func pendingChangeCount() async throws(ImageError) -> Int64

    /// Moves `entries` from the outbox to the parked events, with `reason`. With
    /// `onlyBehindParked`, only those whose record still has an earlier event parked move (the
    /// rest stay pending: an operator retried the record meanwhile).
    func park(_ entries: [OutboxEntry], reason: String, attempts: Int, onlyBehindParked: Bool) async throws(ImageError)
    /// The parked events matching `filter`, oldest first, each record's in version order.
    func parkedEvents(_ filter: ParkedFilter, limit: Int) async throws(ImageError) -> [ParkedEvent]
    /// How many events are parked and since when the oldest.
    func parkedSummary() async throws(ImageError) -> ParkedSummary
    /// Moves every parked event of the records matching `filter` back to the outbox, ahead of
    /// the records' later events, in version order. Returns how many moved.
    func retryParked(_ filter: ParkedFilter) async throws(ImageError) -> Int
    /// Deletes the parked events of the records matching `filter`. Returns how many.
    func discardParked(_ filter: ParkedFilter) async throws(ImageError) -> Int
}

extension ChangeOutbox {
    /// Up to `limit` unpublished events, whatever their size and claims.
    public func pendingChanges(limit: Int, maxBytes: Int = .max) async throws(ImageError) -> [OutboxEntry] {
        try await pendingChanges(limit: limit, maxBytes: maxBytes, claimant: nil)
    }
}

/// Which parked events an operator means: all, a plant's, or one record's.
public struct ParkedFilter: Sendable, Hashable {
    public var plant: Plant?
    public var imageID: Int64?

    public init(plant: Plant? = nil, imageID: Int64? = nil) {
        self.plant = plant
        self.imageID = imageID
    }

    public static let all = ParkedFilter()
}

/// An event the relay parked in the producer DB: no retry could publish it (too large for a
/// topic, refused by the broker as invalid or unauthorized), or an earlier event of its record
/// is parked.
public struct ParkedEvent: Sendable, Hashable {
    public let entry: OutboxEntry
    public let reason: String
    /// Publish attempts before it was parked.
    public let attempts: Int
    public let parkedAt: Timestamp

    public init(entry: OutboxEntry, reason: String, attempts: Int, parkedAt: Timestamp) {
        self.entry = entry
        self.reason = reason
        self.attempts = attempts
        self.parkedAt = parkedAt
    }
}

public struct ParkedSummary: Sendable, Hashable {
    public let count: Int64
    /// When the oldest parked event was parked; nil when none is.
    public let oldest: Timestamp?

    public init(count: Int64, oldest: Timestamp?) {
        self.count = count
        self.oldest = oldest
    }
}

/// A relay reading the outbox among others: its claims on records last `lease` unless it
/// releases them, so a crashed relay's records go to the others after that.
public struct OutboxClaimant: Sendable, Hashable {
    public let id: String
    public let lease: Duration

    public init(id: String, lease: Duration) {
        self.id = id
        self.lease = lease
    }

    /// The lease in whole milliseconds.
    public var leaseMilliseconds: Int64 {
        let (seconds, attoseconds) = lease.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
