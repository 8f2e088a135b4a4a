/// Why a load generator could not do its work: a setting is out of range, a socket call failed
/// (with its `errno`), or the server answered something that is not HTTP/1.1.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable {
        case resolve, connect, send, receive, protocolViolation
        /// A setting out of range (a rate, a count, a URL that is not `http://host:port`).
        case invalidSetting
    }

    public let code: Code
    /// `errno` of the failed call; 0 when there was none (a protocol violation, end of stream).
    public let errno: Int32
    public let message: String

    init(_ code: Code, _ message: String, errno: Int32 = 0) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    public var description: String { errno == 0 ? message : "\(message) (errno \(errno))" }
}
