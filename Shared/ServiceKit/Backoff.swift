/// Capped exponential backoff: 100 ms, 200 ms, … up to `maximum`, reset after a success.
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public private(set) var next: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
        next = initial
    }

    /// The delay to wait now; the following one doubles.
    public mutating func failed() -> Duration {
        defer { next = min(next * 2, maximum) }
        return next
    }

    public mutating func succeeded() { next = initial }
}
