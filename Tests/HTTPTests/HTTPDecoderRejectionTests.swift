import HTTP
import Testing

/// A request the decoder must refuse, and the status it must refuse it with.
struct Rejection: Sendable, CustomTestStringConvertible {
    var name: String
    var raw: String
    var status: Int

    var testDescription: String { "\(name) → \(status)" }

    static func make(_ name: String, _ raw: String, _ status: Int) -> Rejection {
        Rejection(name: name, raw: raw, status: status)
    }
}

/// Small limits so oversize cases stay small.
private let smallLimits = HTTPLimits(maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 4, maxBodyBytes: 16)

private let get = "GET / HTTP/1.1\r\nHost: h\r\n"
private let post = "POST / HTTP/1.1\r\nHost: h\r\n"

private let rejections: [Rejection] = [
    // Framing (RFC 9112 §6).
    .make("Content-Length and Transfer-Encoding", post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
    .make("Transfer-Encoding and Content-Length", post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
    .make("duplicate identical Content-Length", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
    .make("conflicting Content-Length", post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
    .make("Content-Length list", post + "Content-Length: 3, 3\r\n\r\nabc", 400),
    .make("signed Content-Length", post + "Content-Length: +3\r\n\r\nabc", 400),
    .make("empty Content-Length", post + "Content-Length:\r\n\r\n", 400),
    .make("unknown final coding", post + "Transfer-Encoding: gzip\r\n\r\n", 400),
    .make("chunked not final", post + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
    .make("chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    .make("unsupported coding before chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
    .make("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    // Line endings and field syntax (§§2.2, 5).
    .make("bare LF after request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
    .make("bare LF after field", "GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
    .make("bare LF ending the head", get + "\n", 400),
    .make("bare CR in field value", get + "X-A: a\rb\r\n\r\n", 400),
    .make("obs-fold", get + "X-Long: a\r\n  continued\r\n\r\n", 400),
    .make("whitespace before first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
    .make("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
    .make("tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400),
    .make("field without colon", get + "NoColon\r\n\r\n", 400),
    .make("invalid field name", get + "X(A): b\r\n\r\n", 400),
    .make("NUL in field value", get + "X-A: a\u{0}b\r\n\r\n", 400),
    .make("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
    .make("duplicate Host", get + "Host: other\r\n\r\n", 400),
    // Request line (§3).
    .make("invalid method character", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("empty method", " / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("double space", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("absolute-form target", "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("asterisk with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("control character in target", "GET /a\u{1}b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("non-ASCII target", "GET /caf\u{e9} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    .make("lowercase version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
    .make("malformed version", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
    .make("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
    .make("HTTP/0.9", "GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
    // Chunked body (§7.1).
    .make("non-hex chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    .make("missing chunk size", post + "Transfer-Encoding: chunked\r\n\r\n\r\n", 400),
    .make("junk after chunk size", post + "Transfer-Encoding: chunked\r\n\r\n3 junk\r\nabc\r\n0\r\n\r\n", 400),
    .make("overflowing chunk size", post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 400),
    .make("chunk data without CRLF", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400),
    .make("bare LF in chunk size line", post + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400),
    .make("obs-fold in trailer", post + "Transfer-Encoding: chunked\r\n\r\n0\r\nT: a\r\n b\r\n\r\n", 400),
    // Expectations (RFC 9110 §10.1.1).
    .make("unknown expectation", post + "Expect: something\r\nContent-Length: 3\r\n\r\n", 417),
    // Limits.
    .make("request line too long", "GET /" + String(repeating: "a", count: 60) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
    .make("unterminated request line too long", "GET /" + String(repeating: "a", count: 100), 414),
    .make("header section too large", get + "X-Big: " + String(repeating: "b", count: 130) + "\r\n\r\n", 431),
    .make("too many fields", get + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431),
    .make("Content-Length over the limit", post + "Content-Length: 17\r\n\r\n", 413),
    .make("huge Content-Length", post + "Content-Length: 99999999999999999999999999\r\n\r\n", 413),
    .make("chunked body over the limit", post + "Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n7\r\n", 413),
]

@Suite("HTTPDecoder: rejections")
struct HTTPDecoderRejectionTests {
    @Test(arguments: rejections)
    func rejectsWholeBuffer(_ rejection: Rejection) {
        #expect(status(of: rejection.raw, chunkSize: nil) == rejection.status)
    }

    @Test(arguments: rejections)
    func rejectsByteByByte(_ rejection: Rejection) {
        #expect(status(of: rejection.raw, chunkSize: 1) == rejection.status)
    }

    @Test func errorIsSticky() {
        var decoder = HTTPDecoder()
        decoder.append(contentsOf: "GET / HTTP/2.0\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        #expect(throws: HTTPError.self) { try decoder.next() }
        #expect(throws: HTTPError.self) { try decoder.next() }
    }

    @Test func errorsCarryADetail() {
        do {
            _ = try decodeAll(post + "Content-Length: 1\r\nContent-Length: 1\r\n\r\n")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.status == .badRequest)
            #expect(error.detail == "Duplicate Content-Length")
        }
    }

    /// The status the decoder rejects `raw` with, or nil if it accepted everything.
    private func status(of raw: String, chunkSize: Int?) -> Int? {
        do {
            _ = try decodeAll(raw, limits: smallLimits, chunkSize: chunkSize)
            return nil
        } catch {
            return error.status.code
        }
    }
}
