import ImageModel

/// A run of the batch sync failed: which database, doing what, and the store's error.
public struct BatchSyncError: Error, Sendable, CustomStringConvertible {
    public enum Side: String, Sendable {
        case producer, consumer
    }

    public let side: Side
    /// What the run was doing, e.g. `reading tomato records after id 400`.
    public let operation: String
    public let cause: ImageError

    public init(side: Side, operation: String, cause: ImageError) {
        self.side = side
        self.operation = operation
        self.cause = cause
    }

    public var description: String { "\(operation) in the \(side.rawValue) DB failed: \(cause.message)" }
}
