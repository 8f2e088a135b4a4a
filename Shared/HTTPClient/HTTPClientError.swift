#if canImport(Glibc)
import Glibc
#endif

/// HTTPClient's error: what failed (resolving, connecting, sending, receiving, a deadline, a
/// response that is not valid HTTP/1.1), the `errno` of a failed system call, and a message
/// naming the server.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidURL, resolve, connect, send, receive, timeout, closed, protocolViolation, tooLarge
    }

    public let code: Code
    /// `errno` of the failed call; 0 when there was none.
    public let errno: Int32
    public let message: String

    public init(_ code: Code, _ message: String, errno: Int32 = 0) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    /// The error of the system call `call` that just failed, from the thread's `errno`.
    static func lastCall(_ code: Code, _ call: String) -> HTTPClientError {
        let number = Glibc.errno
        return HTTPClientError(code, "\(call): \(String(cString: strerror(number)))", errno: number)
    }

    public var description: String { errno == 0 ? message : "\(message) (errno \(errno))" }
}
