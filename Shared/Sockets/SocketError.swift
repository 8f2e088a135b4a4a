#if canImport(Glibc)
import Glibc
#endif

/// A failed system call on a socket, an epoll instance or a loop thread.
///
/// Carries the operation, the address it concerned (when there is one), the `errno` value and
/// its `strerror` text, so a log line or a failed `start()` says exactly what went wrong.
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failing call, e.g. `bind` or `epoll_ctl`.
    public var operation: String
    /// The address involved, e.g. `127.0.0.1:8080`, if any.
    public var address: String?
    /// The `errno` (or returned error number) of the failure.
    public var code: Int32
    /// `strerror(code)`.
    public var message: String

    /// Captures an error for `operation`.
    /// - Parameters:
    ///   - operation: the system call that failed.
    ///   - address: the address it concerned, if any.
    ///   - code: the error number; defaults to the current `errno`, so build the error right
    ///     after the failing call.
    public init(_ operation: String, address: String? = nil, code: Int32 = errno) {
        self.operation = operation
        self.address = address
        self.code = code
        self.message = String(cString: strerror(code))
    }

    /// Wraps a `getaddrinfo` failure, whose codes are not errno values.
    static func addressInfo(_ code: Int32, address: String) -> SocketError {
        var error = SocketError("getaddrinfo", address: address, code: code)
        error.message = String(cString: gai_strerror(code))
        return error
    }

    public var description: String {
        let target = address.map { " \($0)" } ?? ""
        return "\(operation)\(target) failed: \(message) (errno \(code))"
    }
}
