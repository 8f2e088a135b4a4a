import Foundation
import JSON
import Testing
import TestSupport

/// `jobs` as a process against a real `image-api` on the real databases, at high `--speed`.
@Suite("jobs against a real image-api", .serialized)
struct JobsProcessTests {
    /// At speed 400 the camera and the recognizer run every 0.25 s, users' activation and
    /// metadata tasks every 0.75 s, the soft delete every 1.75 s.
    @Test(arguments: TestStore.allCases)
    func theMixOfOperationsFollowsTheIntervalsAndReachesTheDatabase(_ store: TestStore) async throws {
        try await JobsCluster.with(store) { cluster in
            let total = try await cluster.count("")
            let diagnosed = try await cluster.count("&has_disease=true")
            let deleted = try await cluster.count("&is_deleted=true")
            let jobs = try await cluster.startJobs(["--speed", "400", "--seed", "3"])
            _ = try await eventually("40 camera images", timeout: .seconds(90)) {
                try await jobs.successfulOperations()["camera/create-image", default: 0] >= 40 ? true : nil
            }
            #expect(try await jobs.send(.post, "/job/stop", token: JobsCluster.jobsToken).status == 200)
            _ = try await eventually("the runs in flight to end", timeout: .seconds(30)) {
                try await jobs.jobStatus().tasks.values.allSatisfy { $0["in_flight"] == .bool(false) } ? true : nil
            }
            let done = try await jobs.successfulOperations()
            let creates = done["camera/create-image", default: 0]
            let recognitions = done["recognizer/recognize", default: 0]
            let toggles = done["users/toggle-active", default: 0]
            let moves = done["users/update-metadata", default: 0]
            let deletes = done["users/soft-delete", default: 0]

            // Exactly what the jobs counted happened in image-api's database.
            #expect(try await cluster.count("") - total == Int64(creates))
            #expect(try await cluster.count("&has_disease=true") - diagnosed == Int64(recognitions))
            #expect(try await cluster.count("&is_deleted=true") - deleted == Int64(deletes))

            // The mix follows LIMS's intervals (100 s, 100 s, 300 s, 300 s, 700 s at speed 400),
            // within tolerance. Each next run starts an interval after the previous one ended,
            // so a task's cycle is its interval plus its mean run: a create against a slow
            // database takes as long as its interval, and counting without the run time
            // failed whenever the machine was slow.
            let mean = try await jobs.meanRunSeconds()
            func cycle(_ task: String, _ interval: Double) -> Double { interval / 400 + (mean[task] ?? 0) }
            let camera = cycle("camera/create-image", 100)
            let summary = "creates \(creates), recognitions \(recognitions), toggles \(toggles), moves \(moves), deletes \(deletes); mean runs \(mean)"
            #expect(Self.near(Double(recognitions), Double(creates) * camera / cycle("recognizer/recognize", 100), tolerance: 0.2), "\(summary)")
            #expect(Self.near(Double(toggles), Double(creates) * camera / cycle("users/toggle-active", 300), tolerance: 0.35), "\(summary)")
            #expect(Self.near(Double(moves), Double(creates) * camera / cycle("users/update-metadata", 300), tolerance: 0.35), "\(summary)")
            #expect(Self.near(Double(deletes), Double(creates) * camera / cycle("users/soft-delete", 700), tolerance: 0.45), "\(summary)")
        }
    }

    @Test func pauseResumesWhereItWasAndStopRestartsFromTheBeginning() async throws {
        try await JobsCluster.with(.postgres) { cluster in
            let jobs = try await cluster.startJobs(["--speed", "400", "--autostart", "false"])
            #expect(try await jobs.jobStatus().states == ["camera": "stopped", "recognizer": "stopped", "users": "stopped"])
            #expect(try await jobs.send(.post, "/job/start?job=camera").status == 401)
            #expect(try await jobs.send(.post, "/job/start?job=camera", token: JobsCluster.jobsToken).status == 200)
            _ = try await eventually("three camera runs", timeout: .seconds(30)) {
                try await jobs.jobStatus().tasks["camera/create-image"]?.int("runs") ?? 0 >= 3 ? true : nil
            }
            #expect(try await jobs.jobStatus().states == ["camera": "running", "recognizer": "stopped", "users": "stopped"])

            #expect(try await jobs.send(.post, "/job/pause?job=camera", token: JobsCluster.jobsToken).status == 200)
            _ = try await eventually("the paused camera's run in flight to end", timeout: .seconds(10)) {
                try await jobs.jobStatus().tasks["camera/create-image"]?["in_flight"] == .bool(false) ? true : nil
            }
            // Paused, the timer is frozen: every read shows the same remaining time and runs.
            let frozen = try await jobs.jobStatus().tasks["camera/create-image"]
            for _ in 0..<5 {
                let again = try await jobs.jobStatus().tasks["camera/create-image"]
                #expect(again?["next_run_in_seconds"] == frozen?["next_run_in_seconds"])
                #expect(again?.int("runs") == frozen?.int("runs"))
            }
            #expect(frozen?["next_run_at"] == .null)

            #expect(try await jobs.send(.post, "/job/start?job=camera", token: JobsCluster.jobsToken).status == 200)
            let pausedRuns = frozen?.int("runs") ?? 0
            _ = try await eventually("a run after resuming", timeout: .seconds(30)) {
                try await jobs.jobStatus().tasks["camera/create-image"]?.int("runs") ?? 0 > pausedRuns ? true : nil
            }

            #expect(try await jobs.send(.post, "/job/stop?job=camera", token: JobsCluster.jobsToken).status == 200)
            let refused = try await jobs.send(.post, "/job/pause?job=camera", token: JobsCluster.jobsToken)
            #expect(refused.status == 409)
            #expect(refused.json?["detail"] == .string("job camera is stopped; start it instead of pausing"))
            let restarted = try await jobs.send(.post, "/job/start?job=camera", token: JobsCluster.jobsToken)
            guard case .array(let started)? = restarted.json?["jobs"], case .array(let tasks)? = started.first?["tasks"] else {
                throw TestFailure("POST /job/start answered \(restarted.text)")
            }
            #expect(tasks.first?.int("runs") == 0, "a start after a stop begins a new session")
            #expect(try await jobs.send(.post, "/job/stop?job=nobody", token: JobsCluster.jobsToken).status == 404)

            jobs.terminate()
            #expect(try await jobs.exitStatus() == 0)
        }
    }

    @Test func anUnreachableImageAPIIsLoggedOnceAndTheJobsGoOn() async throws {
        let jobs = try await RunningService("jobs", ["--port", "0", "--image-api-url", "http://127.0.0.1:1", "--speed", "400",
                                                     "--request-timeout", "1"])
        defer { jobs.terminate() }
        _ = try await eventually("five failed camera runs", timeout: .seconds(30)) {
            try await jobs.jobStatus().tasks["camera/create-image"]?.int("failures") ?? 0 >= 5 ? true : nil
        }
        #expect(jobs.isRunning)
        #expect(try await jobs.jobStatus().states["camera"] == "running")
        #expect(jobs.log.components(separatedBy: "image-api unavailable").count - 1 == 1, "one line per outage:\n\(jobs.log.suffix(2000))")
        let (_, json, _) = try await jobs.send(.get, "/job/status?job=camera")
        guard case .array(let list)? = json?["jobs"], case .array(let tasks)? = list.first?["tasks"],
              case .string(let summary)? = tasks.first?["last_run"]?["summary"] else { throw TestFailure("no last run in status") }
        #expect(summary.contains("image-api unreachable at 127.0.0.1:1"))
        jobs.terminate()
        #expect(try await jobs.exitStatus() == 0)
    }

    /// True when `value` is within `tolerance` (a fraction) of `expected`, give or take 2 runs.
    static func near(_ value: Double, _ expected: Double, tolerance: Double) -> Bool {
        abs(value - expected) <= expected * tolerance + 2
    }
}
