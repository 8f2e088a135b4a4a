/// Why a load generator could not do its work: a socket call failed (with its `errno`), or the
/// server answered something that is not HTTP/1.1.
struct SyncBenchError: Error, CustomStringConvertible {
    enum Code: Sendable {
        case resolve, connect, send, receive, protocolViolation
    }

    let code: Code
    /// `errno` of the failed call; 0 when there was none (a protocol violation, end of stream).
    let errno: Int32
    let message: String

    init(_ code: Code, _ message: String, errno: Int32 = 0) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    var description: String { errno == 0 ? message : "\(message) (errno \(errno))" }
}
