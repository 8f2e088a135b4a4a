/// A statement parameter or a result cell, in the PostgreSQL types LeafSync uses.
///
/// Parameters are sent in binary format with their type OID, so the server never parses a
/// value out of text; results come back in binary format and decode into these cases
/// (`int2`/`int4`/`int8`/`oid` as `.int64`, `float4`/`float8` as `.double`, the text types as
/// `.text`, `timestamp`/`timestamptz` as `.timestamp`, `void` as `.null`).
public enum PostgresValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int64(Int64)
    case double(Double)
    case text(String)
    case bytea([UInt8])
    case timestamp(PostgresTimestamp)

    /// A short name of the case, for decoding errors.
    var kindName: String {
        switch self {
        case .null: return "NULL"
        case .bool: return "bool"
        case .int64: return "integer"
        case .double: return "double"
        case .text: return "text"
        case .bytea: return "bytea"
        case .timestamp: return "timestamp"
        }
    }
}

extension PostgresValue {
    /// `.null` for nil, else the wrapped value; for optional columns.
    public static func optional<T>(_ value: T?, _ wrap: (T) -> PostgresValue) -> PostgresValue {
        value.map(wrap) ?? .null
    }
}
