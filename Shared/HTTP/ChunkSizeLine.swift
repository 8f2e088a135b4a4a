/// The `chunk-size [chunk-ext] CRLF` line that starts every chunk (RFC 9112 §7.1).
enum ChunkSizeLine {
    /// The line ended; `length` counts the CRLF.
    case complete(size: Int, length: Int)
    /// No line end yet; `scanned` bytes need not be searched again.
    case incomplete(scanned: Int)

    /// Longest size line accepted, extensions included; extensions are ignored, not buffered at will.
    static let maxLength = 4096

    /// Parses a size line at the start of `bytes`.
    /// - Parameters:
    ///   - bytes: the buffered bytes from the start of the line.
    ///   - scanned: bytes already searched by an earlier call.
    ///   - allowance: how many more body bytes the limit allows.
    /// - Throws: 400 for a malformed line or bare LF, 413 when the chunk passes `allowance`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, scanned: Int, allowance: Int) throws(HTTPError) -> ChunkSizeLine {
        guard let lineFeed = HTTPHeadParser.firstLineFeed(in: bytes, from: scanned) else {
            if bytes.count > maxLength { throw invalid("Chunk size line too long") }
            return .incomplete(scanned: bytes.count)
        }
        guard lineFeed > 0, bytes[lineFeed - 1] == ASCII.cr else {
            throw HTTPError(.badRequest, detail: "Line not terminated by CRLF")
        }
        let line = UnsafeBufferPointer(rebasing: bytes[..<(lineFeed - 1)])
        var size = 0
        var digits = 0
        while digits < line.count, let value = ASCII.hexValue(line[digits]) {
            // 15 hex digits cannot overflow Int; more is no real chunk.
            guard digits < 15 else { throw invalid("Chunk size too long") }
            size = size << 4 | Int(value)
            digits += 1
        }
        guard digits > 0 else { throw invalid("Invalid chunk size") }
        try validateExtensions(UnsafeBufferPointer(rebasing: line[digits...]))
        if size > allowance {
            throw HTTPError(.payloadTooLarge, detail: "Request body too large")
        }
        return .complete(size: size, length: lineFeed + 1)
    }

    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] )`, checked loosely: it must start with
    /// `;` after optional whitespace and contain no control characters. Extensions carry no meaning here.
    private static func validateExtensions(_ rest: UnsafeBufferPointer<UInt8>) throws(HTTPError) {
        guard let first = rest.firstIndex(where: { !ASCII.isWhitespace($0) }) else {
            if !rest.isEmpty { throw invalid("Invalid chunk size") }
            return
        }
        guard rest[first] == ASCII.semicolon, rest.allSatisfy(ASCII.isFieldValueChar) else {
            throw invalid("Invalid chunk extension")
        }
    }

    private static func invalid(_ detail: String) -> HTTPError {
        HTTPError(.badRequest, detail: detail)
    }
}
