import HTTP
import HTTPClient
import Logging
import Routing
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("HTTPClient against our HTTPServer and a scripted server, on loopback")
struct HTTPClientTests {
    static let ok = CannedServer.Reply(bytes: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    /// Runs `body` with our HTTPServer on a free port: `/echo` answers the request body and
    /// method, `/slow` takes 2 s.
    func withServer(idleTimeout: Duration = .seconds(60), _ body: (Int) async throws -> Void) async throws {
        let logger = Logger(label: "HTTPClientTests", factory: { _ in SwiftLogNoOpLogHandler() })
        let router = RouterBuilder(logger: logger)
        for method in [HTTPMethod.get, .post, .put, .delete] {
            router.on(method, "/echo") { request, _ in
                .text("\(request.method.rawValue) \(request.target) \(String(decoding: request.body, as: UTF8.self))")
            }
        }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(2))
            return .text("late")
        }
        let server = HTTPServer(configuration: .init(port: 0, limits: HTTPLimits(idleTimeout: idleTimeout)),
                                responder: router.buildResponder(), logger: logger)
        let port = try server.start()
        let running = Task { try await server.run() }
        do {
            try await body(port)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
        _ = await running.result
    }

    @Test func requestsAndBodiesRoundTripThroughOurServer() async throws {
        try await withServer { port in
            let client = try HTTPClient(url: "http://127.0.0.1:\(port)/")
            let put = try await client.execute(.put, "/echo?x=1", body: Array(#"{"camera_id":1}"#.utf8))
            #expect(put.status == 200)
            #expect(put.text == #"PUT /echo?x=1 {"camera_id":1}"#)
            let missing = try await client.execute(.get, "/nowhere")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"detail":"Not Found"}"#)
            let head = try await client.execute(.head, "/echo")
            #expect(head.status == 200 && head.body.isEmpty)
        }
    }

    @Test func concurrentRequestsShareTheConnectionPool() async throws {
        try await withServer { port in
            let client = try HTTPClient(url: "http://127.0.0.1:\(port)", maxConnections: 3)
            let texts = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<30 { group.addTask { try await client.execute(.post, "/echo", body: Array("\(index)".utf8)).text } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(texts == Set((0..<30).map { "POST /echo \($0)" }))
        }
    }

    @Test func aSlowServerTimesOutAndTheClientRecovers() async throws {
        try await withServer { port in
            let client = try HTTPClient(url: "http://127.0.0.1:\(port)", timeout: .milliseconds(300), maxConnections: 1)
            // `/slow` would answer 200 after 2 s: the timeout error is the client giving up first.
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.get, "/slow") }
            #expect(error?.code == .timeout)
            #expect(try await client.execute(.get, "/echo").status == 200, "a new connection after the timeout")
        }
    }

    @Test func anIdleConnectionClosedByTheServerIsReplaced() async throws {
        try await withServer(idleTimeout: .milliseconds(100)) { port in
            let client = try HTTPClient(url: "http://127.0.0.1:\(port)", maxConnections: 1)
            #expect(try await client.execute(.get, "/echo").status == 200)
            // Give the server's idle timeout time to close the kept-alive connection.
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await client.execute(.post, "/echo", body: [0x61]).text == "POST /echo a")
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        let server = try CannedServer(Array(repeating: Self.ok, count: 5))
        defer { server.stop() }
        let client = try HTTPClient(url: "http://127.0.0.1:\(server.port)", maxConnections: 1)
        for _ in 0..<5 { #expect(try await client.execute(.get, "/").text == "ok") }
        #expect(server.accepted == 1)
        #expect(server.requests.allSatisfy { $0.hasPrefix("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n") })
    }

    @Test func chunkedAndCloseDelimitedBodiesAndAServerThatCloses() async throws {
        let server = try CannedServer([
            .init(bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"),
            .init(bytes: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye", close: true),
            .init(bytes: "HTTP/1.1 200 OK\r\n\r\nto the end", close: true),
            Self.ok,
        ])
        defer { server.stop() }
        let client = try HTTPClient(url: "http://127.0.0.1:\(server.port)", maxConnections: 1)
        #expect(try await client.execute(.get, "/").text == "abcde")
        #expect(try await client.execute(.get, "/").text == "bye")
        #expect(try await client.execute(.get, "/").text == "to the end")
        #expect(try await client.execute(.get, "/").text == "ok")
        #expect(server.accepted == 3)
    }

    @Test func aClosedPortAndASilentServerFailWithClearErrors() async throws {
        let silent = try CannedServer([.init(bytes: "", silent: true)])
        defer { silent.stop() }
        let client = try HTTPClient(url: "http://127.0.0.1:\(silent.port)", timeout: .milliseconds(200))
        do {
            _ = try await client.execute(.get, "/")
            Issue.record("a silent server must time out")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("127.0.0.1:\(silent.port)"))
        }
        silent.stop()
        do {
            _ = try await client.execute(.get, "/")
            Issue.record("a closed port must fail")
        } catch {
            #expect(error.code == .connect)
            #expect(error.errno == ECONNREFUSED)
        }
        #expect(throws: HTTPClientError.self) { try HTTPClient(url: "https://example.org") }
    }
}
