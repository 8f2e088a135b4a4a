import ImageModel

/// One record of one plant: the unit of ordering on the stream path.
struct RecordKey: Hashable, Sendable {
    let plant: Plant
    let imageID: Int64

    init(plant: Plant, imageID: Int64) { (self.plant, self.imageID) = (plant, imageID) }
    init(_ entry: OutboxEntry) { (plant, imageID) = (entry.plant, entry.imageID) }
    init(_ change: IncomingChange) { (plant, imageID) = (change.plant, change.imageID) }
    init(_ write: ReplicaWrite) { (plant, imageID) = (write.plant, write.imageID) }
}
