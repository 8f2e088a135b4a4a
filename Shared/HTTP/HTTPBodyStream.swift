/// A response body produced piece by piece (a long list read page by page from a database).
/// The connection asks for the next piece only once the previous one is written to the socket,
/// so a long answer holds one piece in memory, and a client that reads slowly slows the
/// producer instead of growing a buffer. HTTP/1.1 clients get it with chunked transfer coding;
/// an HTTP/1.0 client gets it delimited by the end of the connection.
///
/// Errors after the head is sent cannot change the status: the connection is closed without
/// the final chunk, which every client reports as a truncated response.
public struct HTTPBodyStream: Sendable {
    /// The next piece; nil at the end.
    public let next: @Sendable () async throws -> [UInt8]?

    /// - Parameter next: the next piece; nil at the end. Called again only after the previous
    ///   piece was written, never concurrently.
    public init(next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.next = next
    }
}
