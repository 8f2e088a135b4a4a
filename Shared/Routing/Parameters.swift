/// Path parameters captured by `{name}` segments of a route template.
public struct Parameters: Sendable, ExpressibleByDictionaryLiteral {
    private var values: [(name: String, value: String)]

    /// No parameters.
    public init() {
        values = []
    }

    /// The given parameters (already decoded), e.g. for tests.
    public init(dictionaryLiteral elements: (String, String)...) {
        values = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Captured raw segments, percent-decoded here; a segment with a broken escape stays raw.
    init(names: [String], rawValues: [Substring]) {
        values = zip(names, rawValues).map { name, raw in
            (name: name, value: PercentDecoding.decode(raw, plusAsSpace: false) ?? String(raw))
        }
    }

    /// The value of parameter `name`.
    public subscript(name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// The parameter names, in template order.
    public var names: [String] { values.map(\.name) }
}
