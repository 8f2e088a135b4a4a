/// One record of one plant: the unit of ordering on the stream path.
public struct RecordKey: Hashable, Sendable {
    public let plant: Plant
    public let imageID: Int64

    public init(plant: Plant, imageID: Int64) { (self.plant, self.imageID) = (plant, imageID) }
    public init(_ entry: OutboxEntry) { (plant, imageID) = (entry.plant, entry.imageID) }
    public init(_ change: IncomingChange) { (plant, imageID) = (change.plant, change.imageID) }
    public init(_ write: ReplicaWrite) { (plant, imageID) = (write.plant, write.imageID) }
    public init(_ event: ChangeEvent) { (plant, imageID) = (event.plant, event.imageID) }
    public init(_ key: WaitingKey) { (plant, imageID) = (key.plant, key.imageID) }
}
