import Metrics

/// A job's metrics, created once with fixed labels: `job_runs_total{job,task,outcome}`,
/// `job_run_duration_seconds{job,task}` and `job_state{job,state}` (1 for the current state,
/// 0 for the others, so a dashboard can plot or alert on each).
struct JobMetrics: Sendable {
    private let runs: [String: [JobRunOutcome: Counter]]
    private let durations: [String: Metrics.Timer]
    private let states: [JobState: Gauge]

    init(job: String, tasks: [String], factory: any MetricsFactory) {
        var runs: [String: [JobRunOutcome: Counter]] = [:]
        var durations: [String: Metrics.Timer] = [:]
        for task in tasks {
            var byOutcome: [JobRunOutcome: Counter] = [:]
            for outcome in JobRunOutcome.allCases {
                byOutcome[outcome] = Counter(label: "job_runs_total",
                                             dimensions: [("job", job), ("task", task), ("outcome", outcome.rawValue)], factory: factory)
            }
            runs[task] = byOutcome
            durations[task] = Metrics.Timer(label: "job_run_duration_seconds", dimensions: [("job", job), ("task", task)],
                                            factory: factory)
        }
        self.runs = runs
        self.durations = durations
        var states: [JobState: Gauge] = [:]
        for state in JobState.allCases {
            states[state] = Gauge(label: "job_state", dimensions: [("job", job), ("state", state.rawValue)], factory: factory)
        }
        self.states = states
    }

    func recordRun(task: String, outcome: JobRunOutcome, duration: Duration) {
        runs[task]?[outcome]?.increment()
        durations[task]?.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000
                                           + duration.components.attoseconds / 1_000_000_000)
    }

    func recordState(_ current: JobState) {
        for (state, gauge) in states { gauge.record(state == current ? 1 : 0) }
    }
}
