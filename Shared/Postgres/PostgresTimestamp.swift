/// An instant with microsecond precision, as PostgreSQL's `timestamp` stores it.
///
/// A `timestamp` (without time zone) carries no zone; LeafSync stores UTC in it, so this type
/// reads it as UTC. PostgreSQL counts from 2000-01-01; this type from the Unix epoch.
public struct PostgresTimestamp: Sendable, Hashable, Comparable {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
    static let postgresEpochOffset: Int64 = 946_684_800_000_000

    /// From PostgreSQL's binary form; nil for `±infinity` and other values Swift cannot shift
    /// to the Unix epoch without overflow.
    init?(postgresMicroseconds: Int64) {
        let (value, overflow) = postgresMicroseconds.addingReportingOverflow(Self.postgresEpochOffset)
        guard !overflow, postgresMicroseconds != .max, postgresMicroseconds != .min else { return nil }
        microsecondsSinceEpoch = value
    }

    /// PostgreSQL's binary form; nil when it would overflow.
    var postgresMicroseconds: Int64? {
        let (value, overflow) = microsecondsSinceEpoch.subtractingReportingOverflow(Self.postgresEpochOffset)
        return overflow ? nil : value
    }

    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}
