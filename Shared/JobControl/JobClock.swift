/// The time source of a `JobController`: durations since an arbitrary origin, and sleeping until
/// such a point. Injectable so that tests can move time by hand (`ManualJobClock`).
public protocol JobClock: Sendable {
    /// Time elapsed since the clock's origin.
    func now() -> Duration
    /// Suspends until `now() >= deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// Real time: `ContinuousClock`, which keeps counting while the machine sleeps.
public struct ContinuousJobClock: JobClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin + deadline)
    }
}
