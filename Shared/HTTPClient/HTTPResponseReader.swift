import HTTP

/// Reads HTTP/1.1 responses from a byte source (RFC 9112): the status line and fields, then a
/// body framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the stream.
/// Holds no socket, so the parsing is tested from string literals.
struct HTTPResponseReader {
    /// One response as read, and whether the connection may carry another.
    struct Result {
        var response: HTTPClientResponse
        var keepAlive: Bool
    }

    private struct Head {
        var status: Int
        var http10: Bool
        var headers: HTTPHeaders
    }

    let maxHeadBytes: Int
    let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0

    init(maxHeadBytes: Int = 64 * 1024, maxBodyBytes: Int = 64 << 20) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// True when bytes arrived beyond the last response (the connection must not be reused).
    var hasLeftover: Bool { position < buffer.count }

    /// Forgets any buffered bytes, for a fresh connection.
    mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        position = 0
    }

    /// Reads the response to a `method` request, skipping interim 1xx responses.
    /// - Throws: `HTTPClientError` `.closed` when the stream ended before any byte of the
    ///   response, `.protocolViolation`, `.tooLarge`, or what the source throws.
    mutating func read(for method: HTTPMethod, from source: inout some ByteSource) throws(HTTPClientError) -> Result {
        buffer.removeFirst(position)
        position = 0
        if buffer.isEmpty, try source.read(into: &buffer) == 0 {
            throw HTTPClientError(.closed, "the server closed the connection before responding")
        }
        var head = try readHead(from: &source)
        while (100..<200).contains(head.status) { head = try readHead(from: &source) }
        var keepAlive = Self.keepsAlive(head)
        let body: [UInt8]
        if method == .head || head.status == 204 || head.status == 304 {
            body = []
        } else if let codings = head.headers.values(for: "Transfer-Encoding").last {
            // A final coding other than chunked is delimited by the end of the stream (RFC 9112 §6.3).
            if codings.split(separator: ",").last?.trimmed.lowercased() == "chunked" {
                body = try readChunked(from: &source)
            } else {
                body = try readToEnd(from: &source)
                keepAlive = false
            }
        } else if let length = try Self.contentLength(head.headers) {
            guard length <= maxBodyBytes else { throw HTTPClientError(.tooLarge, "a body of \(length) bytes is over the limit") }
            try fill(to: length, from: &source)
            body = Array(buffer[position..<position + length])
            position += length
        } else {
            body = try readToEnd(from: &source)
            keepAlive = false
        }
        return Result(response: HTTPClientResponse(status: head.status, headers: head.headers, body: body), keepAlive: keepAlive)
    }

    private mutating func readHead(from source: inout some ByteSource) throws(HTTPClientError) -> Head {
        let start = position
        let statusLine = try readLine(from: &source, headStart: start)
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "HTTP/1.1" || parts[0] == "HTTP/1.0",
              parts[1].count == 3, parts[1].allSatisfy(\.isASCIIDigit), let status = Int(parts[1]) else {
            throw HTTPClientError(.protocolViolation, "not an HTTP/1.x status line: \(statusLine.prefix(80))")
        }
        var headers = HTTPHeaders()
        while true {
            let line = try readLine(from: &source, headStart: start)
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw HTTPClientError(.protocolViolation, "malformed header field: \(line.prefix(80))")
            }
            headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...].trimmed))
        }
        return Head(status: status, http10: parts[0] == "HTTP/1.0", headers: headers)
    }

    /// A line without its CRLF; a bare LF is refused, as our server refuses it.
    private mutating func readLine(from source: inout some ByteSource, headStart: Int) throws(HTTPClientError) -> Substring {
        var scanned = position
        while true {
            let lf = buffer[scanned...].firstIndex(of: 10)
            guard (lf ?? buffer.count) - headStart <= maxHeadBytes else {
                throw HTTPClientError(.tooLarge, "response head over \(maxHeadBytes) bytes")
            }
            if let lf {
                guard lf > position, buffer[lf - 1] == 13 else {
                    throw HTTPClientError(.protocolViolation, "a line of the response ends in a bare LF")
                }
                let line = String(decoding: buffer[position..<lf - 1], as: UTF8.self)
                position = lf + 1
                return Substring(line)
            }
            scanned = buffer.count
            try more(from: &source)
        }
    }

    private mutating func readChunked(from source: inout some ByteSource) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine(from: &source, headStart: position)
            let sizeText = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmed
            guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16) else {
                throw HTTPClientError(.protocolViolation, "invalid chunk size line: \(line.prefix(40))")
            }
            if size == 0 { break }
            guard body.count + size <= maxBodyBytes else { throw HTTPClientError(.tooLarge, "chunked body over \(maxBodyBytes) bytes") }
            try fill(to: size + 2, from: &source)
            body.append(contentsOf: buffer[position..<position + size])
            guard buffer[position + size] == 13, buffer[position + size + 1] == 10 else {
                throw HTTPClientError(.protocolViolation, "chunk data not followed by CRLF")
            }
            position += size + 2
        }
        // Trailer fields are read and dropped.
        while try !readLine(from: &source, headStart: position).isEmpty {}
        return body
    }

    private mutating func readToEnd(from source: inout some ByteSource) throws(HTTPClientError) -> [UInt8] {
        while try source.read(into: &buffer) > 0 {
            guard buffer.count - position <= maxBodyBytes else { throw HTTPClientError(.tooLarge, "body over \(maxBodyBytes) bytes") }
        }
        defer { position = buffer.count }
        return Array(buffer[position...])
    }

    /// Reads until `count` bytes past `position` are buffered.
    private mutating func fill(to count: Int, from source: inout some ByteSource) throws(HTTPClientError) {
        while buffer.count - position < count { try more(from: &source) }
    }

    private mutating func more(from source: inout some ByteSource) throws(HTTPClientError) {
        guard try source.read(into: &buffer) > 0 else {
            throw HTTPClientError(.protocolViolation, "the server closed the connection in the middle of a response")
        }
    }

    /// The body length from `Content-Length`; every value (and list member) must agree.
    private static func contentLength(_ headers: HTTPHeaders) throws(HTTPClientError) -> Int? {
        let values = headers.values(for: "Content-Length").flatMap { $0.split(separator: ",").map(\.trimmed) }
        guard let first = values.first else { return nil }
        guard values.allSatisfy({ $0 == first }), !first.isEmpty, first.count <= 18,
              first.allSatisfy(\.isASCIIDigit), let length = Int(first) else {
            throw HTTPClientError(.protocolViolation, "invalid Content-Length: \(values.joined(separator: ", "))")
        }
        return length
    }

    private static func keepsAlive(_ head: Head) -> Bool {
        let options = head.headers.values(for: "Connection").flatMap { $0.split(separator: ",").map { $0.trimmed.lowercased() } }
        if options.contains("close") { return false }
        return !head.http10 || options.contains("keep-alive")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    fileprivate var trimmed: Substring {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
