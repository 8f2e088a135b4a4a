import HTTPClient

/// Why a job's call to `image-api` (or the image analyzer) did not do its work.
public struct JobsError: Error, CustomStringConvertible {
    public enum Code: Sendable {
        /// No connection, a timeout, a broken response: the service is unreachable.
        case unreachable
        /// The service answered with an error status.
        case status
        /// The service answered 2xx with a body we cannot use.
        case invalidResponse
    }

    public let code: Code
    public let message: String
    /// The HTTP status of `.status` errors.
    public let status: Int?

    init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// True for failures of the service rather than of our request (unreachable, 5xx): these
    /// are logged once per outage.
    var isOutage: Bool { code == .unreachable || (status ?? 0) >= 500 }

    public var description: String { message }
}
