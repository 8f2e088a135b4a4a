/// One periodic piece of work of a job.
///
/// It runs every `interval` after its previous run ended (a task never overlaps itself), and
/// once as soon as the job starts if `runsAtStart`. The body returns a one-line summary of
/// what it did (shown in the status and the log); what it throws counts as a failure.
public struct JobTask: Sendable {
    public let name: String
    /// Time from the end of one run to the start of the next, already scaled by any speed-up.
    public let interval: Duration
    public let runsAtStart: Bool
    let body: @Sendable (JobRun) async throws -> String

    /// - Parameters:
    ///   - name: unique within its job; a metric label, so keep it short and fixed.
    ///   - interval: must be positive.
    ///   - body: one run; call `run.checkpoint()` between steps so pause and stop take effect.
    public init(name: String, interval: Duration, runsAtStart: Bool = false,
                body: @escaping @Sendable (JobRun) async throws -> String) {
        precondition(interval > .zero, "the interval of task \(name) must be positive")
        self.name = name
        self.interval = interval
        self.runsAtStart = runsAtStart
        self.body = body
    }
}
