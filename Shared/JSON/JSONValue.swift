/// A parsed JSON value that keeps what typed decoders lose: integers stay exact, `1` and `1.0`
/// and `true` stay distinct, and object member order is preserved.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The member named `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A short name of the value's kind, for error messages ("expected a number, got a string").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON number as written: exact integer access when it is one, a Double otherwise.
public struct JSONNumber: Sendable, Equatable {
    /// The literal text, e.g. `-12`, `0.5`, `1e3`.
    public let text: String

    public init(text: String) { self.text = text }

    /// The value as Int64 when it is a whole number that fits. `7`, `7.0` and `7e0` all count,
    /// as in JSON Schema's `integer`; written with a fraction or exponent it must also be exact
    /// as a Double (|x| ≤ 2^53).
    public var int64: Int64? {
        if isIntegerLiteral { return Int64(text) }
        let value = double
        guard value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    /// True when the literal is written as an integer (it may still be out of Int64's range).
    public var isIntegerLiteral: Bool {
        // By UTF-8 byte: walking Characters (grapheme clusters) costs several times more.
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// True when the value is a whole number, however written (`3`, `3.0`, `3e2`).
    public var isWholeNumber: Bool { isIntegerLiteral || double == double.rounded() }

    public var double: Double { Double(text) ?? .nan }
}
