/// Progress through a head or trailer section that has not fully arrived yet.
///
/// Offsets are relative to the section's first byte, so the decoder may compact its buffer
/// at any time.
struct SectionScan: Sendable {
    /// True for a request head (its first line is the request line), false for trailers.
    var hasRequestLine: Bool
    /// Bytes already searched for line ends.
    var scanned = 0
    /// Start of the line being read.
    var lineStart = 0
    /// Complete lines so far.
    var lineCount = 0
    /// Start of the field lines (just after the request line).
    var fieldsStart = 0
    var fieldCount = 0

    init(hasRequestLine: Bool) {
        self.hasRequestLine = hasRequestLine
    }

    var readingRequestLine: Bool { hasRequestLine && lineCount == 0 }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// A parsed request head: the request without its body, plus what the decoder needs next.
struct RequestHead: Sendable {
    var request: HTTPRequest
    var framing: BodyFraming
    var expectsContinue: Bool
}

/// Finds and parses request heads and trailer sections, strictly per RFC 9112 §§2–5.
enum HTTPHeadParser {
    /// Searches for the empty line that ends a section, enforcing line-ending and size rules.
    ///
    /// - Parameters:
    ///   - bytes: the buffered bytes, starting at the section's first byte.
    ///   - scan: progress from earlier calls; updated.
    ///   - limits: the request line and header section limits.
    /// - Throws: 400 for a bare LF, 414 for a long request line, 431 for too many or too large fields.
    /// - Returns: the section length including its empty line, or nil if more bytes are needed.
    static func findEnd(_ bytes: UnsafeBufferPointer<UInt8>, scan: inout SectionScan,
                        limits: HTTPLimits) throws(HTTPError) -> Int? {
        var index = scan.scanned
        while index < bytes.count {
            guard let lineFeed = firstLineFeed(in: bytes, from: index) else { break }
            guard lineFeed > scan.lineStart, bytes[lineFeed - 1] == ASCII.cr else {
                throw HTTPError(.badRequest, detail: "Line not terminated by CRLF")
            }
            let length = lineFeed - 1 - scan.lineStart
            if scan.readingRequestLine {
                if length > limits.maxRequestLineBytes { throw requestLineTooLong }
                scan.fieldsStart = lineFeed + 1
            } else if length == 0 {
                return lineFeed + 1
            } else {
                scan.fieldCount += 1
                if scan.fieldCount > limits.maxHeaderCount {
                    throw HTTPError(.requestHeaderFieldsTooLarge, detail: "Too many header fields")
                }
                if lineFeed + 1 - scan.fieldsStart > limits.maxHeaderBytes { throw headersTooLarge }
            }
            scan.lineCount += 1
            scan.lineStart = lineFeed + 1
            index = lineFeed + 1
        }
        scan.scanned = bytes.count
        // Refuse an unfinished line as soon as it cannot fit, instead of buffering it all.
        if scan.readingRequestLine {
            if bytes.count - scan.lineStart > limits.maxRequestLineBytes + 1 { throw requestLineTooLong }
        } else if bytes.count - scan.fieldsStart > limits.maxHeaderBytes + 2 {
            throw headersTooLarge
        }
        return nil
    }

    /// Parses a complete head (as delimited by `findEnd`) into a request and its framing.
    /// - Throws: 400, 413, 417, 501 or 505 as RFC 9112 prescribes for the first problem found.
    static func parseHead(_ bytes: UnsafeBufferPointer<UInt8>, limits: HTTPLimits) throws(HTTPError) -> RequestHead {
        let requestLineEnd = firstLineFeed(in: bytes, from: 0)! - 1
        var request = try parseRequestLine(UnsafeBufferPointer(rebasing: bytes[..<requestLineEnd]))
        var framing = FramingFields()
        var headers = HTTPHeaders(reservingCapacity: 8)
        var lineStart = requestLineEnd + 2
        while let lineFeed = firstLineFeed(in: bytes, from: lineStart), lineFeed - 1 > lineStart {
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<(lineFeed - 1)])
            let field = try parseField(line)
            let name = UnsafeBufferPointer(rebasing: line[field.name])
            let value = UnsafeBufferPointer(rebasing: line[field.value])
            try framing.note(name: name, value: value, limits: limits)
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
            lineStart = lineFeed + 1
        }
        request.headers = headers
        return try framing.head(for: request)
    }

    /// Checks every field line of a trailer section (delimited by `findEnd`); trailers are dropped.
    static func validateTrailers(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPError) {
        var lineStart = 0
        while let lineFeed = firstLineFeed(in: bytes, from: lineStart), lineFeed - 1 > lineStart {
            _ = try parseField(UnsafeBufferPointer(rebasing: bytes[lineStart..<(lineFeed - 1)]))
            lineStart = lineFeed + 1
        }
    }

    static func firstLineFeed(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }

    /// `method SP request-target SP HTTP-version`, each part strictly checked.
    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPError) -> HTTPRequest {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space) else {
            throw HTTPError(.badRequest, detail: "Malformed request line")
        }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let version = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(ASCII.isTokenChar) else {
            throw HTTPError(.badRequest, detail: "Invalid method")
        }
        let parsedVersion = try parseVersion(version)
        let methodValue = HTTPMethod(String(decoding: method, as: UTF8.self))
        let isOriginForm = target.first == ASCII.slash
        let isAsterisk = target.count == 1 && target[0] == ASCII.star && methodValue == .options
        guard isOriginForm || isAsterisk, target.allSatisfy(ASCII.isVisible) else {
            throw HTTPError(.badRequest, detail: "Invalid request target")
        }
        return HTTPRequest(method: methodValue, target: String(decoding: target, as: UTF8.self),
                           version: parsedVersion)
    }

    /// `HTTP/1.0` or `HTTP/1.1`; any other well-formed version is 505, anything else 400.
    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPError) -> HTTPVersion {
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), ASCII.isDigit(bytes[5]),
              bytes[6] == UInt8(ascii: "."), ASCII.isDigit(bytes[7]) else {
            throw HTTPError(.badRequest, detail: "Malformed HTTP version")
        }
        let version = HTTPVersion(major: Int(bytes[5] - ASCII.zero), minor: Int(bytes[7] - ASCII.zero))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPError(.httpVersionNotSupported, detail: "Only HTTP/1.0 and HTTP/1.1 are supported")
        }
        return version
    }

    /// `field-name ":" OWS field-value OWS`; returns the name and trimmed value ranges.
    private static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPError)
        -> (name: Range<Int>, value: Range<Int>) {
        if ASCII.isWhitespace(line[0]) {
            throw HTTPError(.badRequest, detail: "Obsolete line folding is not accepted")
        }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0 else {
            throw HTTPError(.badRequest, detail: "Malformed header field")
        }
        if ASCII.isWhitespace(line[colon - 1]) {
            throw HTTPError(.badRequest, detail: "Whitespace before the colon of a header field")
        }
        guard line[..<colon].allSatisfy(ASCII.isTokenChar) else {
            throw HTTPError(.badRequest, detail: "Invalid header field name")
        }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, ASCII.isWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, ASCII.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        guard line[valueStart..<valueEnd].allSatisfy(ASCII.isFieldValueChar) else {
            throw HTTPError(.badRequest, detail: "Invalid character in header field value")
        }
        return (0..<colon, valueStart..<valueEnd)
    }

    private static let requestLineTooLong = HTTPError(.uriTooLong, detail: "Request line too long")
    private static let headersTooLarge = HTTPError(.requestHeaderFieldsTooLarge, detail: "Header section too large")
}
