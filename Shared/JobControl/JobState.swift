/// Where a job is in its lifecycle. Stop means restart from the beginning; pause resumes where
/// it was (LIMS).
public enum JobState: String, Sendable, CaseIterable {
    case stopped, running, paused
}

/// A control command, as in `POST /job/{command}`.
public enum JobCommand: String, Sendable, CaseIterable {
    case start, pause, stop

    var pastTense: String {
        switch self {
        case .start: "started"
        case .pause: "paused"
        case .stop: "stopped"
        }
    }
}

/// How a run ended.
public enum JobRunOutcome: String, Sendable, CaseIterable {
    case success, failure, stopped
}

/// What a start, pause or stop command did to one job.
public enum JobCommandOutcome: Sendable, Equatable {
    /// The job moved to this state.
    case changed(JobState)
    /// The job already was in the state the command asks for.
    case unchanged(JobState)
    /// The command makes no sense in the job's state (pausing a stopped job); nothing changed.
    case refused(String)
}
