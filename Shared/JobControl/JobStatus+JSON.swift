import Foundation
import JSON

extension JobStatus {
    /// Writes the snapshot in the field order `GET /job/status` documents.
    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("name"); json.string(name)
            json.key("state"); json.string(state.rawValue)
            json.key("session_started_at"); json.optionalString(sessionStartedAt.map(Self.timestamp))
            json.key("tasks")
            json.array { list in
                for task in tasks { task.write(to: &list) }
            }
        }
    }

    /// UTC, ISO-8601 with milliseconds and a `Z`: browsers parse it directly.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension JobStatus.Task {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("name"); json.string(name)
            json.key("interval_seconds"); json.double(interval.seconds)
            json.key("runs_at_start"); json.bool(runsAtStart)
            json.key("runs"); json.int(Int64(stats.runs))
            json.key("successes"); json.int(Int64(stats.successes))
            json.key("failures"); json.int(Int64(stats.failures))
            json.key("stopped"); json.int(Int64(stats.stopped))
            json.key("in_flight"); json.bool(inFlight)
            json.key("current_run_started_at"); json.optionalString(stats.currentRunStartedAt.map(JobStatus.timestamp))
            json.key("last_run")
            if let last = stats.lastRun {
                json.object { run in
                    run.key("started_at"); run.string(JobStatus.timestamp(last.startedAt))
                    run.key("finished_at"); run.string(JobStatus.timestamp(last.finishedAt))
                    run.key("outcome"); run.string(last.outcome.rawValue)
                    run.key("summary"); run.string(last.summary)
                }
            } else {
                json.null()
            }
            json.key("next_run_at"); json.optionalString(nextRunAt.map(JobStatus.timestamp))
            json.key("next_run_in_seconds"); json.optionalDouble(nextRunIn?.seconds)
        }
    }
}
