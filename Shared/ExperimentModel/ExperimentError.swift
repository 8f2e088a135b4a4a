/// Why the experiment failed: what went wrong, in words that name the process, server or
/// variant concerned. The experiment's only error type (the runner's and the reports'); a run
/// prints it and exits 1.
public struct ExperimentError: Error, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A flag or environment variable is missing or invalid.
        case configuration
        /// A process could not be started, or exited or failed to listen in time.
        case process
        /// A database could not be created, seeded, dropped or compared.
        case database
        /// A service answered unexpectedly, or a condition was not reached in time.
        case service
        /// A consumer DB differs from the producer DB at the end.
        case notEqual
        /// The results could not be written.
        case output
    }

    let code: Code
    let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
