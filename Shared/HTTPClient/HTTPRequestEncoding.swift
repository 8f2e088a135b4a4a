import HTTP

/// Encodes requests as HTTP/1.1 bytes.
public enum HTTPRequestEncoding {
    /// The request head and body; `Host` is set and `Content-Length` added when there is a body
    /// or the method usually carries one.
    public static func encode(_ method: HTTPMethod, _ target: String, host: String,
                              headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) -> [UInt8] {
        var head = "\(method.rawValue) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for field in headers where !["host", "content-length"].contains(field.name.lowercased()) {
            head += "\(field.name): \(field.value)\r\n"
        }
        if !body.isEmpty || [.post, .put, .patch].contains(method) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
