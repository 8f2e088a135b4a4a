import HTTP
import JSON
import Routing

/// The HTTP face of a process's jobs, the same in every job process:
///
/// - `POST /job/start`, `/job/pause`, `/job/stop`: all jobs, or one with `?job=name`. 200 with
///   the resulting status (also when the job already was in that state); 409 when a job cannot
///   take the command (pausing a stopped job; with several jobs nothing changes then); 404 for
///   an unknown job.
/// - `GET /job/status`: per job its state and per task counters, last run and next run time.
/// - `GET /job/logs?limit=200&job=&format=json|text`: the newest lines, oldest first.
/// - `GET /`: the control page.
///
/// Writes are protected by the service's `BearerAuthMiddleware` when it configures a token.
public enum JobRoutes {
    /// Largest `limit` of `GET /job/logs`.
    public static let maxLogLimit = 1000

    public static func register(on router: RouterBuilder, jobs: [JobController]) {
        precondition(Set(jobs.map(\.name)).count == jobs.count, "job names must be unique in a process")
        for command in JobCommand.allCases {
            router.post("/job/\(command.rawValue)") { request, _ in
                let targets = try select(jobs, request)
                // Checked for every target first so that a refusal changes nothing.
                let refusals = targets.compactMap { $0.refusal(of: command) }
                guard refusals.isEmpty else { throw HTTPError(.conflict, detail: refusals.joined(separator: "; ")) }
                for job in targets {
                    if case .refused(let reason) = job.perform(command) { throw HTTPError(.conflict, detail: reason) }
                }
                return statusResponse(targets)
            }
        }
        router.get("/job/status") { request, _ in statusResponse(try select(jobs, request)) }
        router.get("/job/logs") { request, _ in try logsResponse(try select(jobs, request), request) }
        router.get("/") { _, _ in .html(JobPage.html(jobs: jobs.map(\.name))) }
    }

    /// All jobs, or the one `?job=` names.
    private static func select(_ jobs: [JobController], _ request: HTTPRequest) throws -> [JobController] {
        guard let name = request.queryParameters["job"] else { return jobs }
        guard let job = jobs.first(where: { $0.name == name }) else {
            let known = jobs.map(\.name).joined(separator: ", ")
            throw HTTPError(.notFound, detail: "no job named \"\(name)\" (this process runs: \(known))")
        }
        return [job]
    }

    private static func statusResponse(_ jobs: [JobController]) -> HTTPResponse {
        var writer = JSONWriter()
        writer.object { json in
            json.key("jobs")
            json.array { list in
                for job in jobs { job.status().write(to: &list) }
            }
        }
        return .json(writer.bytes)
    }
}
