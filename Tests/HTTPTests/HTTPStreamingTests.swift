import HTTP
import Synchronization
import Testing

/// Counts the pieces a stream was asked for.
final class PieceCounter: Sendable {
    let count = Atomic(0)
}

/// Streamed bodies: sent piece by piece, each asked for once the previous one is written.
@Suite("HTTPServer: streamed bodies")
struct HTTPStreamingTests {
    /// Pieces of `sizes` bytes (every byte of piece p is p + 1), then the end, or an error after
    /// `failAfter` pieces; `produced` counts the pieces asked for. Filled, not computed byte by
    /// byte: in a debug build under the parallel suite, computing 2 MiB took longer than the
    /// client's read timeout.
    static func handler(sizes: [Int], failAfter: Int? = nil, produced: PieceCounter? = nil) -> @Sendable (HTTPRequest) async -> HTTPResponse {
        { _ in
            let index = Mutex(0)
            return HTTPResponse(headers: ["Content-Type": "application/json"], stream: HTTPBodyStream {
                let piece = index.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                produced?.count.add(1, ordering: .relaxed)
                if let failAfter, piece == failAfter { throw HTTPError(.internalServerError, detail: "the store went away") }
                guard piece < sizes.count else { return nil }
                return [UInt8](repeating: UInt8(truncatingIfNeeded: piece + 1), count: sizes[piece])
            })
        }
    }

    static func expected(_ sizes: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (piece, size) in sizes.enumerated() { bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: piece + 1), count: size) }
        return bytes
    }

    @Test func anHTTP11ClientGetsChunksAndKeepsTheConnection() async throws {
        // A piece larger than the socket buffer, an empty one (skipped: no early last-chunk), small ones.
        let sizes = [10, 2 << 20, 0, 1, 300]
        try await withServer(handler: Self.handler(sizes: sizes)) { _, port in
            let client = try RawClient(port: port)
            for _ in 0..<2 {
                client.send("GET /list HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try #require(await client.readResponse())
                #expect(response.status == 200 && response.headers["Transfer-Encoding"] == "chunked")
                #expect(response.headers["Content-Length"] == nil && response.headers["Connection"] == nil)
                #expect(response.body == Self.expected(sizes))
            }
        }
    }

    @Test func anHTTP10ClientGetsTheBodyDelimitedByClose() async throws {
        try await withServer(handler: Self.handler(sizes: [5, 70_000])) { _, port in
            let client = try RawClient(port: port)
            client.send("GET /list HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let raw = try #require(await client.readUntilClosed())
            let text = String(decoding: raw, as: UTF8.self)
            let headEnd = try #require(raw.firstRange(of: [13, 10, 13, 10]))
            #expect(text.hasPrefix("HTTP/1.1 200") && text.contains("Connection: close") && !text.contains("Transfer-Encoding"))
            #expect(Array(raw[headEnd.upperBound...]) == Self.expected([5, 70_000]))
        }
    }

    @Test func headAsksForNoPiece() async throws {
        let produced = PieceCounter()
        try await withServer(handler: Self.handler(sizes: [5], produced: produced)) { _, port in
            let client = try RawClient(port: port)
            client.send("HEAD /list HTTP/1.1\r\nHost: h\r\n\r\nGET /list HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try #require(await client.readResponse(bodyless: true))
            #expect(head.status == 200 && head.headers["Transfer-Encoding"] == "chunked" && head.body.isEmpty)
            let get = try #require(await client.readResponse())
            #expect(get.body == Self.expected([5]))
        }
        #expect(produced.count.load(ordering: .relaxed) == 2, "the GET's piece and its end only")
    }

    @Test func aFailureAfterTheHeadEndsTheConnectionWithoutTheLastChunk() async throws {
        try await withServer(handler: Self.handler(sizes: [4, 4, 4], failAfter: 2)) { _, port in
            let client = try RawClient(port: port)
            client.send("GET /list HTTP/1.1\r\nHost: h\r\n\r\n")
            let raw = try #require(await client.readUntilClosed())
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200") && text.contains("Transfer-Encoding: chunked"))
            #expect(!text.hasSuffix("0\r\n\r\n"), "no last chunk: the client must see a truncated body")
            #expect(raw.count > 8)
        }
    }
}
