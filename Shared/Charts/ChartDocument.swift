import Primitives

/// The outer SVG of a chart: root element with fixed size and viewBox, `<title>` and `<desc>` for
/// screen readers, a white background and the visible title. Charts draw into `svg` in between.
struct ChartDocument {
    var svg = SVGWriter()
    /// Prefix for element ids, derived from the content so that several charts inlined in one
    /// HTML report do not share ids, while the same chart always gets the same ones.
    let idPrefix: String

    init(width: Int, height: Int, title: String, summary: String) throws(ChartError) {
        guard width >= 200 && height >= 150 else {
            throw ChartError(.invalidSize, "chart \(ChartError.quoted(title)) is \(width)×\(height) px; it needs at least 200×150")
        }
        idPrefix = "chart-" + Self.fnv1a(title + "\u{1F}" + summary)
        svg.open("svg", [
            "xmlns": "http://www.w3.org/2000/svg",
            "width": "\(width)", "height": "\(height)", "viewBox": "0 0 \(width) \(height)",
            "role": "img", "aria-labelledby": "\(idPrefix)-title \(idPrefix)-desc",
            "font-family": "DejaVu Sans, Verdana, Arial, sans-serif", "font-size": "12", "fill": Palette.text,
        ])
        svg.element("title", ["id": "\(idPrefix)-title"], text: title)
        svg.element("desc", ["id": "\(idPrefix)-desc"], text: summary)
        svg.element("rect", ["width": "\(width)", "height": "\(height)", "fill": "#ffffff"])
        if !title.isEmpty {
            svg.element("text", [
                "class": "chart-title", "x": SVGWriter.number(Double(width) / 2), "y": "26",
                "text-anchor": "middle", "font-size": "16", "font-weight": "bold",
            ], text: title)
        }
    }

    /// Closes the root element and returns the document.
    mutating func finish() -> String {
        svg.close("svg")
        return svg.output
    }

    /// 64-bit FNV-1a as 16 hex digits: stable across runs and platforms, unlike `hashValue`.
    static func fnv1a(_ text: String) -> String {
        let hex = String(text.utf8.fnv1a, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
