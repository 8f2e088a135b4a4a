/// The header fields that decide how a request is framed, collected while its head is parsed,
/// then checked together (RFC 9112 §§3.2, 6.1, 6.3; RFC 9110 §10.1.1).
struct FramingFields {
    private var contentLength: Int?
    private var contentLengthTooLarge = false
    private var transferCodings: [String] = []
    private var sawTransferEncoding = false
    private var hostCount = 0
    private var expectations: [String] = []

    /// Records one header field if it matters for framing.
    /// - Throws: 400 for a duplicate or malformed `Content-Length`.
    mutating func note(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>,
                       limits: HTTPLimits) throws(HTTPError) {
        if ASCII.equalsIgnoringCase(name, "content-length") {
            // Even an identical repeat is refused: a proxy in front may have picked the other one.
            guard contentLength == nil else {
                throw HTTPError(.badRequest, detail: "Duplicate Content-Length")
            }
            guard !value.isEmpty, value.allSatisfy(ASCII.isDigit) else {
                throw HTTPError(.badRequest, detail: "Invalid Content-Length")
            }
            var length = 0
            for digit in value {
                length = length * 10 + Int(digit - ASCII.zero)
                // Stop before overflowing: past the limit the exact value no longer matters.
                if length > limits.maxBodyBytes {
                    contentLengthTooLarge = true
                    break
                }
            }
            contentLength = length
        } else if ASCII.equalsIgnoringCase(name, "transfer-encoding") {
            sawTransferEncoding = true
            transferCodings += FramingFields.listElements(value)
        } else if ASCII.equalsIgnoringCase(name, "host") {
            hostCount += 1
        } else if ASCII.equalsIgnoringCase(name, "expect") {
            expectations += FramingFields.listElements(value)
        }
    }

    /// Decides the framing of `request` from the recorded fields.
    /// - Throws: 400 for conflicting or unusable framing or Host, 413 for a body over the limit,
    ///   417 for an unknown expectation, 501 for transfer codings other than chunked.
    func head(for request: HTTPRequest) throws(HTTPError) -> RequestHead {
        if hostCount > 1 || (hostCount == 0 && request.version == .http1_1) {
            throw HTTPError(.badRequest, detail: "An HTTP/1.1 request needs exactly one Host header")
        }
        let framing = try bodyFraming(version: request.version)
        var expectsContinue = false
        // An HTTP/1.0 client cannot know 100-continue, so its Expect is ignored (RFC 9110 §10.1.1).
        if request.version == .http1_1 && !expectations.isEmpty {
            guard expectations == ["100-continue"] else {
                throw HTTPError(.expectationFailed, detail: "Only Expect: 100-continue is supported")
            }
            expectsContinue = framing != .none
        }
        return RequestHead(request: request, framing: framing, expectsContinue: expectsContinue)
    }

    private func bodyFraming(version: HTTPVersion) throws(HTTPError) -> BodyFraming {
        guard sawTransferEncoding else {
            if contentLengthTooLarge {
                throw HTTPError(.payloadTooLarge, detail: "Request body too large")
            }
            return contentLength.map { $0 > 0 ? .length($0) : .none } ?? .none
        }
        if contentLength != nil {
            throw HTTPError(.badRequest, detail: "Both Content-Length and Transfer-Encoding")
        }
        if version == .http1_0 {
            throw HTTPError(.badRequest, detail: "Transfer-Encoding in an HTTP/1.0 request")
        }
        guard transferCodings.last == "chunked", !transferCodings.dropLast().contains("chunked") else {
            throw HTTPError(.badRequest, detail: "Transfer-Encoding must end with a single chunked")
        }
        guard transferCodings.count == 1 else {
            throw HTTPError(.notImplemented, detail: "Only the chunked transfer coding is supported")
        }
        return .chunked
    }

    /// The non-empty, lowercased elements of a comma-separated field value.
    private static func listElements(_ value: UnsafeBufferPointer<UInt8>) -> [String] {
        value.split(separator: ASCII.comma).compactMap { element in
            let trimmed = element.drop(while: ASCII.isWhitespace).reversed().drop(while: ASCII.isWhitespace)
            return trimmed.isEmpty ? nil : String(decoding: trimmed.reversed().map(ASCII.lowercased), as: UTF8.self)
        }
    }
}
