import Foundation
import HTTP
import JSON
import Routing

extension JobRoutes {
    /// Lines shown when `limit` is absent.
    static let defaultLogLimit = 200

    /// `GET /job/logs`: the newest `limit` lines of the selected jobs merged, oldest first, as
    /// JSON `{"lines": [...]}` or, with `format=text`, one line per entry (the page's Open Logs).
    static func logsResponse(_ jobs: [JobController], _ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.queryParameters
        var limit = defaultLogLimit
        if let text = query["limit"] {
            guard let value = Int(text), (1...maxLogLimit).contains(value) else {
                throw HTTPError(.unprocessableContent, detail: "limit must be an integer from 1 to \(maxLogLimit)")
            }
            limit = value
        }
        let lines = jobs.flatMap { $0.logs(limit: limit) }.sorted { $0.sequence < $1.sequence }.suffix(limit)
        switch query["format"] ?? "json" {
        case "json":
            var writer = JSONWriter()
            writer.object { json in
                json.key("lines")
                json.array { list in
                    for line in lines {
                        list.object { entry in
                            entry.key("time"); entry.string(JobStatus.timestamp(line.time))
                            entry.key("job"); entry.string(line.job)
                            entry.key("task"); entry.optionalString(line.task)
                            entry.key("level"); entry.string(line.level.rawValue)
                            entry.key("message"); entry.string(line.message)
                        }
                    }
                }
            }
            return .json(writer.bytes)
        case "text":
            let text = lines.map { line in
                let source = line.task.map { "\(line.job)/\($0)" } ?? line.job
                return "\(JobStatus.timestamp(line.time)) \(line.level.rawValue) \(source): \(line.message)\n"
            }.joined()
            return .text(text)
        case let other:
            throw HTTPError(.unprocessableContent, detail: "format must be json or text, not \"\(other)\"")
        }
    }
}
