import HTTP
import JSON
import Logging
import Routing
import Synchronization
import Testing
import TestSupport

/// The recognizer with `--image-analyzer-url`: the real analyzer is not available, so a small
/// server in the test speaks its protocol (`POST /{plant}/disease-classify-by-bytes`).
@Suite("jobs with an image analyzer")
struct ImageAnalyzerTests {
    @Test func theRecognizerStoresTheAnalyzersAnswer() async throws {
        let requests = Mutex<[(path: String, hex: String)]>([])
        let logger = Logger(label: "ImageAnalyzerTests", factory: { _ in SwiftLogNoOpLogHandler() })
        let router = RouterBuilder(logger: logger)
        router.post("/{plant}/disease-classify-by-bytes") { request, _ in
            guard case .string(let hex)? = try JSONParser.parse(request.body)["hex_bytes"] else {
                throw HTTPError(.unprocessableContent, detail: "hex_bytes missing")
            }
            requests.withLock { $0.append((request.path, hex)) }
            return .json(Array(#"{"predicted_class":"Healthy","confidence":0.77}"#.utf8))
        }
        let analyzer = HTTPServer(configuration: .init(port: 0), responder: router.buildResponder(), logger: logger)
        let port = try analyzer.start()
        let serving = Task { try await analyzer.run() }
        defer { serving.cancel() }

        try await JobsCluster.with(.postgres) { cluster in
            let jobs = try await cluster.startJobs(["--speed", "400", "--autostart", "false",
                                                    "--image-analyzer-url", "http://127.0.0.1:\(port)"])
            #expect(try await jobs.send(.post, "/job/start?job=recognizer", token: JobsCluster.jobsToken).status == 200)
            let summary = try await eventually("three recognitions", timeout: .seconds(30)) { () -> String? in
                let task = try await jobs.jobStatus().tasks["recognizer/recognize"]
                guard task?.int("successes") ?? 0 >= 3, case .string(let summary)? = task?["last_run"]?["summary"] else { return nil }
                return summary
            }
            // "tomato image 12: Healthy (77 %)": the image now carries the analyzer's answer.
            let words = summary.split(separator: " ")
            let (status, image, text) = try await cluster.api.send(.get, "/image-plant/\(words[0])/\(words[2].dropLast())")
            #expect(status == 200, "\(text)")
            #expect(image?["disease"] == .string("Healthy"))
            #expect(image?["percentage"] == .number(JSONNumber(text: "0.77")))
            let seen = requests.withLock { $0 }
            #expect(seen.count >= 3)
            #expect(seen.allSatisfy { $0.hex.hasPrefix("ffd8") && $0.path.hasSuffix("/disease-classify-by-bytes") }, "JPEG bytes as hex")
        }
        await analyzer.shutdown()
    }
}
