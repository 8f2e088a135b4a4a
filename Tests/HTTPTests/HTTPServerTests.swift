import HTTP
import Testing

@Suite("HTTPServer: exchanges")
struct HTTPServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            for index in 0..<3 {
                client.send("GET /n\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try #require(await client.readResponse())
                #expect(response.status == 200)
                #expect(response.text == "GET /n\(index) 0")
                #expect(response.headers["Connection"] == nil)
                #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                #expect(response.headers["Content-Length"] == String(response.body.count))
            }
        }
    }

    @Test func pipelinedResponsesKeepRequestOrder() async throws {
        try await withServer(handler: { request in
            // The first request's handler is the slow one: were requests answered as their
            // handlers finish, /fast would come back first.
            if request.path == "/slow" { try? await Task.sleep(for: .milliseconds(100)) }
            return await echo(request)
        }) { _, port in
            let client = try RawClient(port: port)
            client.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /fast HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try #require(await client.readResponse())
            let second = try #require(await client.readResponse())
            #expect(first.text == "GET /slow 0")
            #expect(second.text == "GET /fast 0")
        }
    }

    @Test func aBodyLargerThanTheSocketBufferArrivesWholeAndKeepsTheConnection() async throws {
        // 4 MiB: the head and body go out in many partial writes, resumed when writable.
        let body = (0..<4 << 20).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try await withServer(handler: { request in
            request.path == "/big" ? HTTPResponse(body: body) : await echo(request)
        }) { _, port in
            let client = try RawClient(port: port)
            client.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            let big = try #require(await client.readResponse())
            #expect(big.headers["Content-Length"] == String(body.count))
            #expect(big.body == body)
            #expect(try #require(await client.readResponse()).text == "GET /next 0")
        }
    }

    @Test func headGetsHeadersWithTheBodyLengthButNoBody() async throws {
        try await withServer(handler: { _ in HTTPResponse(body: Array("twelve bytes".utf8)) }) { _, port in
            let client = try RawClient(port: port)
            client.send("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try #require(await client.readResponse(bodyless: true))
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "12")
            // Had the HEAD answer carried a body, it would be read as the next status line.
            let get = try #require(await client.readResponse())
            #expect(get.text == "twelve bytes")
        }
    }

    @Test func expectContinueGetsInterimResponseBeforeTheBody() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = try #require(await client.readResponse())
            #expect(interim.status == 100)
            client.send("data")
            let final = try #require(await client.readResponse())
            #expect(final.status == 200)
            #expect(final.text == "POST /up 4")
        }
    }

    @Test func expectContinueWithTooLargeBodyIsRejectedUnread() async throws {
        try await withServer(limits: HTTPLimits(maxBodyBytes: 8), handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n")
            let response = try #require(await client.readResponse())
            #expect(response.status == 413)
            #expect(response.headers["Connection"] == "close")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func unknownExpectationIs417() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 4\r\n\r\n")
            let response = try #require(await client.readResponse())
            #expect(response.status == 417)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            let response = try #require(await client.readResponse())
            #expect(response.headers["Connection"] == "close")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func http10ClosesByDefaultAndKeepsAliveOnRequest() async throws {
        try await withServer(handler: echo) { _, port in
            let keepAlive = try RawClient(port: port)
            keepAlive.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try #require(await keepAlive.readResponse()).headers["Connection"] == "keep-alive")
            keepAlive.send("GET /b HTTP/1.0\r\n\r\n")
            #expect(try #require(await keepAlive.readResponse()).headers["Connection"] == "close")
            #expect(await keepAlive.isClosedByServer())
        }
    }

    @Test func chunkedRequestBodyReachesTheHandler() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            #expect(try #require(await client.readResponse()).text == "POST /c 5")
        }
    }

    @Test func parseErrorGetsJSONDetailAndClose() async throws {
        try await withServer(handler: echo) { _, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nGET / HTTP/1.1\r\n")
            let response = try #require(await client.readResponse())
            #expect(response.status == 400)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.headers["Connection"] == "close")
            #expect(response.text == #"{"detail":"Duplicate Content-Length"}"#)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func handlerFramingFieldsAreReplaced() async throws {
        try await withServer(handler: { _ in
            HTTPResponse(status: .created, headers: ["Content-Length": "999", "X-Evil": "a\r\nInjected: yes"], body: [1, 2])
        }) { _, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try #require(await client.readResponse())
            #expect(response.status == 201)
            #expect(response.headers["Content-Length"] == "2")
            #expect(response.headers["Injected"] == nil)
            #expect(response.body == [1, 2])
        }
    }

    @Test func noContentHasNoContentLength() async throws {
        try await withServer(handler: { _ in HTTPResponse(status: .noContent) }) { _, port in
            let client = try RawClient(port: port)
            client.send("DELETE /x HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try #require(await client.readResponse())
            #expect(first.status == 204)
            #expect(first.headers["Content-Length"] == nil)
            #expect(try #require(await client.readResponse()).status == 204)
        }
    }
}

/// A one-shot signal between tasks: `wait` returns once `open` has been called.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
