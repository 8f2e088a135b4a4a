/// A response as a handler returns it; the encoder adds `Date`, `Content-Length` (or
/// `Transfer-Encoding: chunked` for a streamed body) and `Connection`.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// A body produced piece by piece, sent after `body` (which is then usually empty).
    public var stream: HTTPBodyStream?

    /// A response; by default an empty `200 OK`.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], stream: HTTPBodyStream? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = stream
    }

    /// A JSON problem response `{"detail": "..."}` with `Content-Type: application/json`.
    ///
    /// The transport uses it for its own rejections and the router for mapped errors, so every
    /// error a client sees has the same shape.
    public init(status: HTTPStatus, detail: String) {
        var body: [UInt8] = Array(#"{"detail":""#.utf8)
        HTTPResponse.appendJSONEscaped(detail, to: &body)
        body.append(contentsOf: #""}"#.utf8)
        self.init(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// Appends `text` as the inside of a JSON string literal (RFC 8259 §7).
    public static func appendJSONEscaped(_ text: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case ASCII.lf: bytes.append(contentsOf: Array(#"\n"#.utf8))
            case ASCII.cr: bytes.append(contentsOf: Array(#"\r"#.utf8))
            case ASCII.tab: bytes.append(contentsOf: Array(#"\t"#.utf8))
            case 0..<0x20:
                bytes.append(contentsOf: Array(#"\u00"#.utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
    }
}
