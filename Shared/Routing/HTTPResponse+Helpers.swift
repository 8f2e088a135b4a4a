import HTTP

extension HTTPResponse {
    /// A JSON response from already encoded bytes.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// A text response, UTF-8 plain text unless `contentType` says otherwise.
    public static func text(_ text: String, status: HTTPStatus = .ok,
                            contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// An HTML page.
    public static func html(_ html: String, status: HTTPStatus = .ok) -> HTTPResponse {
        text(html, status: status, contentType: "text/html; charset=utf-8")
    }
}
