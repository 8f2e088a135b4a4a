import HTTP
import Logging
import Sockets
import Testing

@Suite("HTTPServer: limits, timeouts and shutdown")
struct HTTPServerLifecycleTests {
    @Test func headerReadTimeoutClosesASlowClient() async throws {
        let limits = HTTPLimits(headerReadTimeout: .milliseconds(200))
        try await withServer(limits: limits, handler: echo) { _, port in
            let client = try RawClient(port: port)
            let start = ContinuousClock.now
            client.send("GET / HTTP/1.1\r\nHost: h\r\n")  // the head never ends
            let response = try #require(await client.readResponse())
            #expect(response.status == 408)
            #expect(await client.isClosedByServer())
            #expect(ContinuousClock.now - start < .seconds(3))
        }
    }

    @Test func silentNewConnectionIsClosedAfterHeaderTimeout() async throws {
        let limits = HTTPLimits(headerReadTimeout: .milliseconds(200))
        try await withServer(limits: limits, handler: echo) { _, port in
            let client = try RawClient(port: port)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        let limits = HTTPLimits(idleTimeout: .milliseconds(200))
        try await withServer(limits: limits, handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try #require(await client.readResponse()).status == 200)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func bodyReadTimeoutAnswers408() async throws {
        let limits = HTTPLimits(bodyReadTimeout: .milliseconds(200))
        try await withServer(limits: limits, handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try #require(await client.readResponse()).status == 408)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func connectionsBeyondTheCapGet503() async throws {
        try await withServer(limits: HTTPLimits(maxConnections: 1), handler: echo) { _, port in
            let first = try RawClient(port: port)
            first.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try #require(await first.readResponse()).status == 200)

            let second = try RawClient(port: port)
            let rejected = try #require(await second.readResponse())
            #expect(rejected.status == 503)
            #expect(rejected.headers["Connection"] == "close")
            #expect(rejected.headers["Content-Type"] == "application/json")
            #expect(rejected.text == #"{"detail":"server busy"}"#)
            #expect(await second.isClosedByServer())

            // The first connection still works, and its slot frees up when it closes.
            first.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            #expect(try #require(await first.readResponse()).status == 200)
            #expect(await first.isClosedByServer())
            let third = try RawClient(port: port)
            third.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try #require(await third.readResponse()).status == 200)
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequests() async throws {
        let started = Gate()
        let release = Gate()
        let server = HTTPServer(configuration: .init(), responder: ClosureResponder { request in
            await started.open()
            await release.wait()
            return await echo(request)
        }, logger: .init(label: "HTTPTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try server.start()
        let running = Task { try await server.run() }

        let idle = try RawClient(port: port)
        let busy = try RawClient(port: port)
        busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        await started.wait()

        let stopping = Task { await server.shutdown() }
        // The idle connection closing shows the drain has begun; only then may the handler finish.
        #expect(await idle.isClosedByServer())
        await release.open()
        await stopping.value
        // shutdown() returned, so the in-flight response has been written already.
        let response = try #require(await busy.readResponse())
        #expect(response.text == "GET /slow 0")
        #expect(response.headers["Connection"] == "close")
        #expect(await busy.isClosedByServer())
        try await running.value
        #expect(throws: (any Error).self) { try RawClient(port: port) }
        await server.shutdown()  // idempotent
    }

    @Test func gracePeriodCutsHandlersThatTakeTooLong() async throws {
        let started = Gate()
        let server = HTTPServer(configuration: .init(shutdownGracePeriod: .milliseconds(100)),
                                responder: ClosureResponder { request in
            await started.open()
            // Far longer than any bound below: shutdown must not wait for it.
            try? await Task.sleep(for: .seconds(60))
            return await echo(request)
        }, logger: .init(label: "HTTPTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try server.start()
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        await started.wait()
        let start = ContinuousClock.now
        await server.shutdown()
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(await client.isClosedByServer())
    }

    @Test func runReturnsWhenCancelled() async throws {
        let server = HTTPServer(configuration: .init(), responder: ClosureResponder(handler: echo),
                                logger: .init(label: "HTTPTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try server.start()
        let running = Task { try await server.run() }
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try #require(await client.readResponse()).status == 200)
        running.cancel()
        try await running.value
        #expect(await client.isClosedByServer())
    }

    @Test func bindFailureNamesTheAddress() throws {
        let server = HTTPServer(configuration: .init(host: "203.0.113.1", port: 1), responder: ClosureResponder(handler: echo),
                                logger: .init(label: "HTTPTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect {
            try server.start()
        } throws: { error in
            guard let error = error as? SocketError else { return false }
            return error.operation == "bind" && error.address == "203.0.113.1:1" && error.code != 0
        }
    }
}
