/// Why a PostgreSQL operation failed: what kind of failure, the server's SQLSTATE when it sent
/// one, and the message.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The connection could not be made or was lost.
        case connection
        /// The server rejected a statement; `sqlState` says why.
        case query
        /// libpq returned something the wrapper did not expect (a COPY state, no result).
        case `protocol`
        /// A value could not be converted between PostgreSQL and Swift.
        case decoding
        /// The connection URL or options are invalid.
        case configuration
        /// The pool was closed.
        case closed
    }

    public let code: Code
    /// The five-character SQLSTATE (`23505`, `57P01`...), nil when the server sent none.
    public let sqlState: String?
    public let message: String

    public init(code: Code, sqlState: String? = nil, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// True when the database could not be reached or dropped the connection (SQLSTATE class 08,
    /// or `57P01`–`57P03`: shutdown, crash, cannot connect now), so a caller may report it as
    /// unavailable and retry later rather than as a failed statement.
    public var isConnectionFailure: Bool {
        if code == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// True when the server refused the data itself, for good: SQLSTATE class 22 (data
    /// exception: a value out of range, invalid text), class 23 (a constraint, except a unique
    /// violation, which a retry may no longer meet) or `54000` (a value over a program limit).
    /// Retrying the same statement cannot succeed; serialization failures, deadlocks and
    /// too many connections are not among these.
    public var isDataRejection: Bool {
        guard code == .query, let sqlState else { return false }
        return sqlState.hasPrefix("22") || (sqlState.hasPrefix("23") && sqlState != "23505") || sqlState == "54000"
    }

    public var description: String {
        if let sqlState { return "PostgreSQL \(code.rawValue) error \(sqlState): \(message)" }
        return "PostgreSQL \(code.rawValue) error: \(message)"
    }
}
