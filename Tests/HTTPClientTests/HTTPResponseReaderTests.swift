import HTTP
@testable import HTTPClient
import Testing

/// A byte source over a literal, handing out `step` bytes per read.
struct LiteralSource: ByteSource {
    var bytes: [UInt8]
    var step: Int
    var offset = 0

    init(_ text: String, step: Int = .max) {
        bytes = Array(text.utf8)
        self.step = step
    }

    mutating func read(into buffer: inout [UInt8]) throws(HTTPClientError) -> Int {
        let count = min(step, bytes.count - offset)
        buffer.append(contentsOf: bytes[offset..<offset + count])
        offset += count
        return count
    }
}

@Suite("HTTPResponseReader from literals")
struct HTTPResponseReaderTests {
    func read(_ text: String, method: HTTPMethod = .get, step: Int = .max) throws(HTTPClientError) -> HTTPResponseReader.Result {
        var reader = HTTPResponseReader(maxHeadBytes: 1024, maxBodyBytes: 1024)
        var source = LiteralSource(text, step: step)
        return try reader.read(for: method, from: &source)
    }

    func code(_ text: String) -> HTTPClientError.Code? {
        do { _ = try read(text); return nil } catch { return error.code }
    }

    @Test(arguments: [1, 3, Int.max])
    func contentLengthBodyInAnySlicing(step: Int) throws {
        let result = try read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello", step: step)
        #expect(result.response.status == 200)
        #expect(result.response.text == "hello")
        #expect(result.response.headers["x-a"] == "b")
        #expect(result.keepAlive)
    }

    @Test(arguments: [1, 7, Int.max])
    func chunkedBodyWithExtensionsAndTrailers(step: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\n"
        let result = try read(text, step: step)
        #expect(result.response.text == "hello, world")
        #expect(result.keepAlive)
    }

    @Test func bodyDelimitedByCloseEndsTheConnection() throws {
        let result = try read("HTTP/1.1 200 OK\r\n\r\nuntil the end")
        #expect(result.response.text == "until the end")
        #expect(!result.keepAlive)
    }

    @Test func noBodyForHeadAnd204And304() throws {
        #expect(try read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: .head).response.body.isEmpty)
        #expect(try read("HTTP/1.1 204 No Content\r\n\r\n").response.body.isEmpty)
        #expect(try read("HTTP/1.1 304 Not Modified\r\n\r\n").keepAlive)
    }

    @Test func interimResponsesAreSkipped() throws {
        let result = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        #expect(result.response.status == 201)
        #expect(result.response.text == "ok")
    }

    @Test func connectionCloseAndHTTP10DecideKeepAlive() throws {
        #expect(try !read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
    }

    @Test func malformedResponsesAreProtocolViolations() {
        #expect(code("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n") == .protocolViolation, "bare LF")
        #expect(code("HTTP/2 200 OK\r\n\r\n") == .protocolViolation, "not HTTP/1.x")
        #expect(code("HTTP/1.1 2000 OK\r\n\r\n") == .protocolViolation, "four-digit status")
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") == .protocolViolation)
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") == .protocolViolation)
        #expect(code("HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n") == .protocolViolation)
        #expect(code("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == .protocolViolation)
        #expect(code("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n") == .protocolViolation)
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort") == .protocolViolation, "closed mid-body")
    }

    @Test func anEmptyStreamIsAClose() {
        #expect(code("") == .closed)
    }

    @Test func limitsAreEnforced() {
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n") == .tooLarge)
        #expect(code("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 2000) + "\r\n\r\n") == .tooLarge)
    }

    @Test func twoResponsesOnOneConnection() throws {
        var reader = HTTPResponseReader()
        var source = LiteralSource("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nb")
        let first = try reader.read(for: .get, from: &source)
        #expect(reader.hasLeftover)
        let second = try reader.read(for: .get, from: &source)
        #expect(first.response.text == "a" && second.response.status == 404 && second.response.text == "b")
        #expect(!reader.hasLeftover)
    }
}
