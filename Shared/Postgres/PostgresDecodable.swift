/// A Swift type that a result cell decodes into (`try row.decode(0) as Int64`).
public protocol PostgresDecodable: Sendable {
    /// The value, or nil when the cell holds another type (or NULL, for non-optional types).
    init?(postgresValue: PostgresValue)
}

extension Int64: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .int64(let value) = postgresValue else { return nil }
        self = value
    }
}

extension Int: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .int64(let value) = postgresValue, let int = Int(exactly: value) else { return nil }
        self = int
    }
}

extension Double: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .double(let value) = postgresValue else { return nil }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .bool(let value) = postgresValue else { return nil }
        self = value
    }
}

extension String: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .text(let value) = postgresValue else { return nil }
        self = value
    }
}

extension [UInt8]: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .bytea(let value) = postgresValue else { return nil }
        self = value
    }
}

extension PostgresTimestamp: PostgresDecodable {
    public init?(postgresValue: PostgresValue) {
        guard case .timestamp(let value) = postgresValue else { return nil }
        self = value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// `.some(nil)` for NULL; nil (a mismatch) when the cell holds another type.
    public init?(postgresValue: PostgresValue) {
        if case .null = postgresValue {
            self = .none
        } else if let wrapped = Wrapped(postgresValue: postgresValue) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}
