/// A BSON value of one of the types this wrapper models.
///
/// Values always reach the server as typed BSON built by this layer, never by parsing text, so
/// a string such as `"{\"$gt\": 0}"` stays a string and cannot become a query operator.
public enum BSONValue: Sendable, Equatable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSONValue])
    /// Binary subtype 0 (generic), byte-exact.
    case binary([UInt8])
    case bool(Bool)
    /// A UTC datetime in milliseconds since the Unix epoch.
    case dateTime(Int64)
    case null
    case int32(Int32)
    case int64(Int64)

    /// The BSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .double: "double"
        case .string: "string"
        case .document: "document"
        case .array: "array"
        case .binary: "binary"
        case .bool: "bool"
        case .dateTime: "datetime"
        case .null: "null"
        case .int32: "int32"
        case .int64: "int64"
        }
    }
}
