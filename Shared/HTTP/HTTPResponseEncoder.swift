/// Writes responses' heads as HTTP/1.1 bytes; the connection sends the body beside the head in
/// the same write.
///
/// The transport owns framing: it always writes `Content-Length` (except where RFC 9110 forbids
/// it), `Date` unless the handler set one, and `Connection` when it matters; a handler's own
/// `Content-Length`, `Transfer-Encoding` and `Connection` fields are dropped.
enum HTTPResponseEncoder {
    /// What the encoder needs to know about the request being answered.
    struct Exchange: Sendable {
        /// HEAD: send the headers of the full response, no body.
        var headOnly: Bool
        /// Close after this response (`Connection: close` is written).
        var close: Bool
        /// An HTTP/1.0 client that asked for keep-alive must be told it got it.
        var announceKeepAlive: Bool
        /// The client understands chunked transfer coding (HTTP/1.1); otherwise a streamed
        /// body is delimited by closing the connection.
        var chunked = true
    }

    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends the status line and header fields of `response`, up to the empty line, to `buffer`.
    /// - Parameters:
    ///   - response: what the handler returned.
    ///   - exchange: the request's method and the connection decision.
    ///   - dateLine: the cached `Date: ...\r\n` line.
    ///   - buffer: the connection's output buffer.
    /// - Returns: whether `response.body` (and `stream`) follow the head (not for HEAD, 204 or 304).
    static func encodeHead(_ response: HTTPResponse, exchange: Exchange, dateLine: [UInt8], into buffer: inout [UInt8]) -> Bool {
        let status = response.status
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status.code, to: &buffer)
        buffer.append(ASCII.space)
        appendSanitized(status.reasonPhrase, to: &buffer)
        buffer.append(contentsOf: crlf)

        var hasDate = false
        var declaredLength: String?
        for field in response.headers {
            if HTTPHeaders.sameName(field.name, "content-length") {
                declaredLength = field.value
                continue
            }
            if HTTPHeaders.sameName(field.name, "transfer-encoding") || HTTPHeaders.sameName(field.name, "connection") {
                continue
            }
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(ASCII.isTokenChar) else { continue }
            hasDate = hasDate || HTTPHeaders.sameName(field.name, "date")
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(contentsOf: ": ".utf8)
            appendSanitized(field.value, to: &buffer)
            buffer.append(contentsOf: crlf)
        }
        if !status.forbidsContent, response.stream != nil {
            if exchange.chunked { buffer.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8) }
        } else if !status.forbidsContent {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            // A HEAD handler may state the length of a body it did not build.
            if exchange.headOnly, response.body.isEmpty, let declaredLength,
               !declaredLength.isEmpty, declaredLength.utf8.allSatisfy(ASCII.isDigit) {
                buffer.append(contentsOf: declaredLength.utf8)
            } else {
                appendDecimal(response.body.count, to: &buffer)
            }
            buffer.append(contentsOf: crlf)
        }
        if !hasDate { buffer.append(contentsOf: dateLine) }
        if exchange.close {
            buffer.append(contentsOf: "Connection: close\r\n".utf8)
        } else if exchange.announceKeepAlive {
            buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        buffer.append(contentsOf: crlf)
        return !exchange.headOnly && !status.forbidsContent
    }

    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]

    /// Appends `text`, turning control characters into spaces so a header value can never end
    /// the line early (response splitting).
    private static func appendSanitized(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            buffer.append(ASCII.isFieldValueChar(byte) ? byte : ASCII.space)
        }
    }

    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        guard value >= 10 else {
            buffer.append(ASCII.zero + UInt8(value))
            return
        }
        appendDecimal(value / 10, to: &buffer)
        buffer.append(ASCII.zero + UInt8(value % 10))
    }
}
