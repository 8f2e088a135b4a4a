import HTTP
import JSON
@testable import JobControl
import Logging
import Routing
import ServiceKit
import TestSupport
import Testing

@Suite("JobRoutes through the router, without sockets")
struct JobRoutesTests {
    let camera = JobController.make([JobTask(name: "create-image", interval: .seconds(100)) { _ in "ok" }], name: "camera")
    let users = JobController.make([
        JobTask(name: "toggle-active", interval: .seconds(300)) { _ in "ok" },
        JobTask(name: "soft-delete", interval: .seconds(700)) { _ in "ok" },
    ], name: "users")

    func router(token: String? = nil) -> Router {
        let builder = RouterBuilder(logger: Logger(label: "JobRoutesTests"))
        builder.add(middleware: BearerAuthMiddleware(token: token))
        JobRoutes.register(on: builder, jobs: [camera, users])
        return builder.buildResponder()
    }

    func send(_ method: HTTPMethod, _ target: String, router: Router? = nil, token: String? = nil) async throws -> (Int, JSONValue) {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = await (router ?? self.router()).respond(to: HTTPRequest(method: method, target: target, headers: headers))
        return (response.status.code, try JSONParser.parse(response.body))
    }

    func states(_ json: JSONValue) -> [String: String] {
        guard case .array(let jobs)? = json["jobs"] else { return [:] }
        var states: [String: String] = [:]
        for job in jobs {
            if case .string(let name)? = job["name"], case .string(let state)? = job["state"] { states[name] = state }
        }
        return states
    }

    @Test func statusListsEveryJobWithItsTasks() async throws {
        camera.start()
        let (status, json) = try await send(.get, "/job/status")
        #expect(status == 200)
        #expect(states(json) == ["camera": "running", "users": "stopped"])
        guard case .array(let jobs)? = json["jobs"], case .array(let tasks)? = jobs[1]["tasks"] else {
            throw TestFailure("no jobs/tasks arrays in \(json)")
        }
        #expect(tasks.count == 2)
        #expect(tasks[1]["name"] == .string("soft-delete"))
        #expect(tasks[1]["interval_seconds"] == .number(JSONNumber(text: "700.0")))
        #expect(tasks[1]["runs"] == .number(JSONNumber(text: "0")))
        #expect(tasks[1]["last_run"] == .null)
        guard case .array(let cameraTasks)? = jobs[0]["tasks"], case .number(let next)? = cameraTasks[0]["next_run_in_seconds"] else {
            throw TestFailure("the running camera job has no next run time")
        }
        #expect(next.double == 100)
    }

    @Test func commandsActOnAllJobsOrTheNamedOne() async throws {
        let (status, json) = try await send(.post, "/job/start?job=users")
        #expect(status == 200)
        #expect(states(json) == ["users": "running"])
        #expect(camera.state == .stopped)
        let (allStatus, all) = try await send(.post, "/job/start")
        #expect(allStatus == 200, "starting a running job answers 200 with its state")
        #expect(states(all) == ["camera": "running", "users": "running"])
        _ = try await send(.post, "/job/pause")
        #expect(camera.state == .paused && users.state == .paused)
        _ = try await send(.post, "/job/stop?job=camera")
        #expect(camera.state == .stopped && users.state == .paused)
    }

    @Test func pausingAStoppedJobIsAConflictThatChangesNothing() async throws {
        users.start()
        let (status, json) = try await send(.post, "/job/pause")
        #expect(status == 409)
        #expect(json["detail"] == .string("job camera is stopped; start it instead of pausing"))
        #expect(users.state == .running, "a refused command for all jobs changes none")
    }

    @Test func anUnknownJobIsNotFound() async throws {
        for (method, target) in [(HTTPMethod.get, "/job/status?job=nope"), (.post, "/job/stop?job=nope"), (.get, "/job/logs?job=nope")] {
            let (status, json) = try await send(method, target)
            #expect(status == 404)
            #expect(json["detail"] == .string("no job named \"nope\" (this process runs: camera, users)"))
        }
    }

    @Test func writesNeedTheTokenWhenOneIsConfigured() async throws {
        let protected = router(token: "s3cret")
        let (missing, _) = try await send(.post, "/job/start", router: protected)
        let (wrong, _) = try await send(.post, "/job/start", router: protected, token: "guess")
        #expect(missing == 401 && wrong == 401)
        #expect(camera.state == .stopped)
        let (read, _) = try await send(.get, "/job/status", router: protected)
        #expect(read == 200, "reads stay open")
        let (allowed, _) = try await send(.post, "/job/start", router: protected, token: "s3cret")
        #expect(allowed == 200)
        #expect(camera.state == .running)
    }

    @Test func logsShowTheNewestLinesLastAndValidateTheLimit() async throws {
        camera.start()
        users.start()
        camera.stop()
        let (status, json) = try await send(.get, "/job/logs?limit=2")
        #expect(status == 200)
        guard case .array(let lines)? = json["lines"] else { throw TestFailure("no lines in \(json)") }
        #expect(lines.map { $0["job"] } == [.string("users"), .string("camera")])
        #expect(lines.last?["message"] == .string("job stopped"))
        for bad in ["0", "1001", "x"] {
            let (code, problem) = try await send(.get, "/job/logs?limit=\(bad)")
            #expect(code == 422)
            #expect(problem["detail"] == .string("limit must be an integer from 1 to 1000"))
        }
        let text = await router().respond(to: HTTPRequest(method: .get, target: "/job/logs?job=camera&format=text"))
        #expect(String(decoding: text.body, as: UTF8.self).hasSuffix("info camera: job stopped\n"))
    }

    @Test func thePageIsSelfContainedWithButtonsPerJob() async throws {
        let response = await router().respond(to: HTTPRequest(method: .get, target: "/"))
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(html.contains(#"const JOBS=["camera","users"];"#))
        for command in ["start", "pause", "stop"] { #expect(html.contains(#"data-command="\#(command)""#)) }
        #expect(html.contains("Open Logs"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external resources")
    }
}
