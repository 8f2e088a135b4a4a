/// The `name=value` pairs of a query string, decoded like HTML forms do
/// (percent-escapes, `+` as a space), in order, repeated names kept.
public struct QueryParameters: Sendable {
    private var pairs: [(name: String, value: String)]

    /// Parses a raw query (the text after `?`); nil or empty gives no parameters.
    ///
    /// A pair without `=` has an empty value; a component with a broken escape is kept raw
    /// rather than rejected, as browsers do.
    public init(_ query: String?) {
        pairs = []
        guard let query, !query.isEmpty else { return }
        for component in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryParameters.decode(parts[0])
            let value = parts.count > 1 ? QueryParameters.decode(parts[1]) : ""
            pairs.append((name: name, value: value))
        }
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The distinct names, in order of first appearance.
    public var names: [String] {
        var seen = Set<String>()
        return pairs.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    private static func decode(_ text: Substring) -> String {
        PercentDecoding.decode(text, plusAsSpace: true) ?? String(text)
    }
}
