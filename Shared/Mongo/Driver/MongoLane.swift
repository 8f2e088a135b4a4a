import Dispatch

/// A serial queue for `MongoClientPool.withClient(queuedOn:)`: the operations handed to it run
/// one at a time, each on the thread that ran the one before, so the next command leaves the
/// moment the reply before it is read.
public struct MongoLane: Sendable {
    let queue: DispatchQueue

    public init(label: String) { queue = DispatchQueue(label: label) }
}
