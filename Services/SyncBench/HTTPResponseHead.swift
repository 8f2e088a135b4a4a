/// The few fields of a response head a load generator needs.
struct HTTPResponseHead {
    /// The status code, nil when the status line is not `HTTP/1.1 NNN ...`.
    let status: Int?
    let contentLength: Int?
    /// True when the server will close the connection after this response.
    let closes: Bool

    /// Reads a head: the bytes up to and including the blank line.
    init(_ bytes: ArraySlice<UInt8>) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        let statusLine = lines.first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        status = parts.count >= 2 && parts[0] == "HTTP/1.1" && parts[1].count == 3 ? Int(parts[1]) : nil
        var contentLength: Int?
        var closes = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" { contentLength = Int(value) }
            if name == "connection" && value.lowercased() == "close" { closes = true }
        }
        self.contentLength = contentLength
        self.closes = closes
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var value = self
        while value.first == " " || value.first == "\t" { value.removeFirst() }
        while value.last == " " || value.last == "\t" { value.removeLast() }
        return value
    }
}
