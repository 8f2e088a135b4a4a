/// Builds SVG text: elements with attributes in the order given, text XML-escaped, numbers with
/// a fixed two decimals. Nothing here depends on the locale, dictionaries or the clock, so the
/// same calls give byte-identical output.
struct SVGWriter {
    private(set) var output = ""
    private var depth = 0

    typealias Attributes = KeyValuePairs<String, String>

    /// Opens an element that will hold others; pair it with `close`.
    mutating func open(_ name: String, _ attributes: Attributes = [:]) {
        line("<\(name)\(Self.render(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An element with optional text content; `text` is escaped.
    mutating func element(_ name: String, _ attributes: Attributes = [:], text: String? = nil) {
        if let text {
            line("<\(name)\(Self.render(attributes))>\(Self.escape(text))</\(name)>")
        } else {
            line("<\(name)\(Self.render(attributes))/>")
        }
    }

    private mutating func line(_ text: String) {
        output += String(repeating: "  ", count: depth) + text + "\n"
    }

    /// Attributes with an empty value are left out, so optional ones can be written inline.
    private static func render(_ attributes: Attributes) -> String {
        attributes.filter { !$0.value.isEmpty }.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// Escapes text for element content and attribute values. Control characters, which XML 1.0
    /// forbids even escaped, become spaces.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    result += " "
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// A coordinate with exactly two decimals, e.g. `12.50`.
    static func number(_ value: Double) -> String {
        UnitFormat.fixed(value, decimals: 2)
    }

    /// Estimated width of `text` in pixels: SVG cannot measure text without a renderer, so
    /// layout assumes 0.6 em per character, a little wider than sans-serif's average.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}
