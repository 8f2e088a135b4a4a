/// Where a response's bytes come from: a connection's socket, or a test's literal.
protocol ByteSource {
    /// Appends at least one byte to `buffer`, waiting if needed; returns 0 at the end of the stream.
    mutating func read(into buffer: inout [UInt8]) throws(HTTPClientError) -> Int
}
