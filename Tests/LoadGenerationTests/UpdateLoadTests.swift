import Foundation
import HTTP
import ImageModel
import JSON
@testable import LoadGeneration
import Logging
import Routing
import Synchronization
import Testing

/// `UpdateLoad` against a server in the test process, over real sockets.
@Suite struct UpdateLoadTests {
    /// What the server saw: plant, id, camera_id and the Authorization header of each request.
    final class Seen: Sendable {
        let requests = Mutex<[(plant: String, id: Int64, camera: Int64, authorization: String?)]>([])
    }

    /// Serves `POST /image-plant/{plant}/` answering `status`; runs `body` with its port.
    static func withServer<T>(status: HTTPStatus = .ok, _ body: (Int, Seen) async throws -> T) async throws -> T {
        let seen = Seen()
        let logger = Logger(label: "UpdateLoadTests", factory: { _ in SwiftLogNoOpLogHandler() })
        let router = RouterBuilder(logger: logger)
        router.post("/image-plant/{plant}/") { request, context in
            let json = try JSONParser.parse(request.body)
            guard case .number(let id)? = json["id"], case .number(let camera)? = json["camera_id"],
                  let id = id.int64, let camera = camera.int64 else { throw HTTPError(.unprocessableContent, detail: "no id or camera_id") }
            seen.requests.withLock { $0.append((context.parameters["plant"] ?? "", id, camera, request.headers["Authorization"])) }
            return .json(Array("{}".utf8), status: status)
        }
        let server = HTTPServer(configuration: .init(port: 0), responder: router.buildResponder(), logger: logger)
        let port = try server.start()
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        return try await body(port, seen)
    }

    /// `run()` blocks its thread, so it gets one of its own.
    static func run(_ load: UpdateLoad) async -> LoadReport {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: load.run()) }
        }
    }

    @Test func everyRequestIsARealChangeAndTheRecordsAreCycledEvenly() async throws {
        try await Self.withServer { port, seen in
            let load = try UpdateLoad(url: "http://127.0.0.1:\(port)/", rate: 600, duration: 0.15, connections: 3, perPlant: 5,
                                      timeout: 5, token: "secret")
            let report = await Self.run(load)
            #expect((report.tally.requests, report.tally.succeeded, report.tally.failed, report.tally.rejected) == (90, 90, 0, 0))
            #expect(report.tally.latencies.count == 90 && report.achievedRate > 0)
            #expect(report.lines.last?.hasPrefix("result requests=90 ok=90 non2xx=0 errors=0 ") == true)
            let requests = seen.requests.withLock { $0 }
            #expect(Set(requests.map(\.camera)).count == 90, "every camera_id is new, so every request changes its record")
            let perRecord = Dictionary(grouping: requests) { "\($0.plant)/\($0.id)" }.mapValues(\.count)
            #expect(perRecord.count == 15 && perRecord.values.allSatisfy { $0 == 6 }, "\(perRecord)")
            #expect(Set(requests.map(\.plant)) == Set(Plant.allCases.map(\.rawValue)))
            #expect(requests.allSatisfy { $0.authorization == "Bearer secret" })
        }
    }

    @Test func answersOutside2xxAreCountedWithTheirStatus() async throws {
        try await Self.withServer(status: .unprocessableContent) { port, _ in
            let report = await Self.run(try UpdateLoad(url: "http://127.0.0.1:\(port)", rate: 200, duration: 0.05, connections: 2,
                                                       perPlant: 1, timeout: 5, token: nil))
            #expect((report.tally.requests, report.tally.succeeded, report.tally.rejected) == (10, 0, 10))
            #expect(report.tally.firstError == "HTTP status 422")
        }
    }

    /// No server on the port: every request fails with a reason, none hangs or crashes.
    @Test func anAbsentServerIsCountedAsErrors() async throws {
        let report = await Self.run(try UpdateLoad(url: "http://127.0.0.1:1", rate: 100, duration: 0.05, connections: 2,
                                                   perPlant: 1, timeout: 2, token: nil))
        #expect((report.tally.requests, report.tally.succeeded, report.tally.failed) == (5, 0, 5))
        #expect(report.tally.firstError?.isEmpty == false && report.achievedRate == 0)
        #expect(report.latencyMilliseconds(0.5) == 0)
    }

    @Test(arguments: [("https://127.0.0.1:80", 1.0, 1.0, 1.0, 1), ("http://127.0.0.1", 1, 1, 1, 1), ("http://h:0", 1, 1, 1, 1),
                      ("http://h:65536", 1, 1, 1, 1), ("http://h:80", 0, 1, 1, 1), ("http://h:80", 1, -1, 1, 1),
                      ("http://h:80", .nan, 1, 1, 1), ("http://h:80", 1e300, 1e300, 1, 1), ("http://h:80", 1, 1, 0, 1),
                      ("http://h:80", 1, 1, 1e300, 1), ("http://h:80", 1, 1, .infinity, 1), ("http://h:80", 1, 1, 1, 0)])
    func settingsOutOfRangeAreRefused(url: String, rate: Double, duration: Double, timeout: Double, perPlant: Int) {
        #expect { _ = try UpdateLoad(url: url, rate: rate, duration: duration, connections: 1, perPlant: perPlant,
                                     timeout: timeout, token: nil) } throws: { ($0 as? LoadError)?.code == .invalidSetting }
    }

    @Test func requestsAreDueOnScheduleAndCycleOverThePlants() {
        let plan = LoadPlan(rate: 1_000, total: 10, perPlant: 2, cameraBase: 0)
        #expect(plan.start.duration(to: plan.due(500)) == .milliseconds(500))
        #expect((0..<7).map { plan.record($0).plant } == [.potato, .tomato, .pepper, .potato, .tomato, .pepper, .potato])
        #expect((0..<7).map { plan.record($0).id } == [1, 1, 1, 2, 2, 2, 1])
    }
}
