import HTTP
import Testing

/// Feeds `text` to a decoder, in one piece or `chunkSize` bytes at a time, and collects events.
func decodeAll(_ text: String, limits: HTTPLimits = HTTPLimits(), chunkSize: Int? = nil) throws(HTTPError) -> [HTTPDecoder.Event] {
    var decoder = HTTPDecoder(limits: limits)
    var events: [HTTPDecoder.Event] = []
    let bytes = Array(text.utf8)
    var offset = 0
    repeat {
        let end = chunkSize.map { min(bytes.count, offset + $0) } ?? bytes.count
        decoder.append(contentsOf: bytes[offset..<end])
        offset = end
        while let event = try decoder.next() { events.append(event) }
    } while offset < bytes.count
    return events
}

/// The requests among `events`.
func requests(_ events: [HTTPDecoder.Event]) -> [HTTPRequest] {
    events.compactMap { event in
        if case .request(let request) = event { return request }
        return nil
    }
}

@Suite("HTTPDecoder: valid requests")
struct HTTPDecoderTests {
    @Test func simpleGet() throws {
        let decoded = requests(try decodeAll("GET /ping HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"))
        #expect(decoded.count == 1)
        let request = try #require(decoded.first)
        #expect(request.method == .get)
        #expect(request.target == "/ping")
        #expect(request.path == "/ping")
        #expect(request.query == nil)
        #expect(request.version == .http1_1)
        #expect(request.headers["host"] == "example.com")
        #expect(request.headers["ACCEPT"] == "*/*")
        #expect(request.body.isEmpty)
        #expect(request.wantsKeepAlive)
    }

    @Test func targetSplitsIntoPathAndQuery() throws {
        let request = try #require(requests(try decodeAll("GET /images?plant=a%20b&x=1 HTTP/1.1\r\nHost: h\r\n\r\n")).first)
        #expect(request.path == "/images")
        #expect(request.query == "plant=a%20b&x=1")
    }

    @Test func keepAliveDecisions() throws {
        let close = try #require(requests(try decodeAll("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")).first)
        #expect(!close.wantsKeepAlive)
        let old = try #require(requests(try decodeAll("GET / HTTP/1.0\r\n\r\n")).first)
        #expect(old.version == .http1_0)
        #expect(!old.wantsKeepAlive)
        let oldKeepAlive = try #require(requests(try decodeAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).first)
        #expect(oldKeepAlive.wantsKeepAlive)
    }

    @Test func pipelinedPairInOneBuffer() throws {
        let text = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        let decoded = requests(try decodeAll(text))
        #expect(decoded.map(\.path) == ["/a", "/b"])
        #expect(decoded.last?.body == Array("abc".utf8))
    }

    @Test func byteByByteFeedingGivesTheSameRequests() throws {
        let text = "POST /x?y=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"
        let whole = requests(try decodeAll(text))
        let trickled = requests(try decodeAll(text, chunkSize: 1))
        #expect(whole.count == 2)
        #expect(trickled.map(\.target) == whole.map(\.target))
        #expect(trickled.map(\.body) == whole.map(\.body))
        #expect(trickled.first?.body == Array("abcde".utf8))
    }

    @Test func contentLengthBody() throws {
        let request = try #require(requests(try decodeAll(
            "PUT /thing HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")).first)
        #expect(request.method == .put)
        #expect(request.body == Array("hello world".utf8))
    }

    @Test func incompleteBodyWaitsForMoreBytes() throws {
        var decoder = HTTPDecoder()
        decoder.append(contentsOf: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab".utf8)
        #expect(try decoder.next() == nil)
        #expect(decoder.progress == .body)
        decoder.append(contentsOf: "cde".utf8)
        guard case .request(let request)? = try decoder.next() else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == Array("abcde".utf8))
        #expect(decoder.progress == .idle)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let text = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value;flag\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n"
        let request = try #require(requests(try decodeAll(text)).first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        #expect(request.headers["Transfer-Encoding"] == "chunked")
    }

    @Test func expectContinueIsReportedBeforeTheBody() throws {
        var decoder = HTTPDecoder()
        decoder.append(contentsOf: "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8)
        guard case .continueExpected? = try decoder.next() else {
            Issue.record("expected continueExpected")
            return
        }
        #expect(try decoder.next() == nil)
        decoder.append(contentsOf: "ok".utf8)
        guard case .request(let request)? = try decoder.next() else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == Array("ok".utf8))
    }

    @Test func leadingEmptyLinesAreIgnored() throws {
        let decoded = requests(try decodeAll("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(decoded.count == 1)
    }

    @Test func asteriskTargetForOptions() throws {
        let request = try #require(requests(try decodeAll("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")).first)
        #expect(request.method == .options)
        #expect(request.target == "*")
    }

    @Test func fieldValuesAreTrimmedAndRepeatsKept() throws {
        let request = try #require(requests(try decodeAll(
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: \t one \t\r\nX-A: two\r\nX-Empty:\r\n\r\n")).first)
        #expect(request.headers.values(for: "x-a") == ["one", "two"])
        #expect(request.headers["X-Empty"] == "")
    }

    @Test func limitsAtTheirExactSizeAreAccepted() throws {
        let limits = HTTPLimits(maxRequestLineBytes: 32, maxHeaderBytes: 28, maxHeaderCount: 2, maxBodyBytes: 4)
        let requestLine = "GET /" + String(repeating: "a", count: 18) + " HTTP/1.1"
        #expect(requestLine.utf8.count == 32)
        let fields = "Host: h\r\nContent-Length: 4\r\n"
        #expect(fields.utf8.count == 28)
        #expect(requests(try decodeAll(requestLine + "\r\n" + fields + "\r\nbody", limits: limits)).count == 1)
    }
}
