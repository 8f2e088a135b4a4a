#if canImport(Glibc)
import Glibc
#endif

/// Why the relay could not start or relay a connection: what kind of failure, the failing
/// system call, the address it concerned, and its `errno` with `strerror` text.
public struct TCPRelayError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The listen or target host could not be resolved.
        case resolve
        /// The listening socket could not be opened, bound or put in listening state.
        case listen
        /// Accepting a client connection failed.
        case accept
        /// The target could not be reached.
        case connect
        /// Reading from or writing to a relayed connection failed.
        case transfer
        /// A relay thread could not be started.
        case thread
        /// `start()` was called on a relay that is already running.
        case alreadyRunning
    }

    public let code: Code
    /// The failing call, e.g. `bind` or `pthread_create`.
    public let operation: String
    /// The address involved, e.g. `127.0.0.1:5432`, if any.
    public let address: String?
    /// The error number of the failure (`errno`, or what the call returned); 0 when none.
    public let errno: Int32
    /// `strerror(errno)`, or a description when there is no error number.
    public let message: String

    /// Captures a failed system call.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - operation: the system call that failed.
    ///   - address: the address it concerned, if any.
    ///   - errno: the error number; defaults to the current `errno`, so build the error right
    ///     after the failing call.
    public init(_ code: Code, _ operation: String, address: String? = nil, errno: Int32 = Glibc.errno) {
        self.code = code
        self.operation = operation
        self.address = address
        self.errno = errno
        self.message = String(cString: strerror(errno))
    }

    /// A failure without an error number, such as a name that does not resolve.
    init(_ code: Code, _ operation: String, address: String?, message: String) {
        self.code = code
        self.operation = operation
        self.address = address
        self.errno = 0
        self.message = message
    }

    public var description: String {
        let target = address.map { " \($0)" } ?? ""
        let number = errno == 0 ? "" : " (errno \(errno))"
        return "TCP relay \(code.rawValue) error: \(operation)\(target) failed: \(message)\(number)"
    }
}
