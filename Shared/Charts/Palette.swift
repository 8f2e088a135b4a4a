/// Colours, dash patterns and marker shapes for series, by index. Colours are Okabe–Ito's
/// colour-blind-safe set (yellow last: it is faint on white); each series also gets its own dash
/// pattern and marker shape, so that series stay apart in grey print.
enum Palette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// SVG `stroke-dasharray` values; nil is a solid line.
    static let dashes: [String?] = [nil, "8 4", "2 3", "10 3 2 3", "4 4", "12 3 2 3 2 3"]

    static func color(_ index: Int) -> String { colors[index % colors.count] }

    static func dash(_ index: Int) -> String? { dashes[index % dashes.count] }

    static func markerShape(_ index: Int) -> MarkerShape { MarkerShape.allCases[index % MarkerShape.allCases.count] }

    static let lineWidth = "2.25"
    static let markerRadius = 3.5

    /// Stroke attributes of series `index`: its colour and dash pattern.
    static func stroke(index: Int, d: String, cssClass: String = "", clip: String = "") -> SVGWriter.Attributes {
        ["class": cssClass, "clip-path": clip, "d": d, "fill": "none", "stroke": color(index),
         "stroke-width": lineWidth, "stroke-dasharray": dash(index) ?? "", "stroke-linejoin": "round"]
    }

    /// A marker of series `index` at (x, y): its shape in its colour, outlined in white so that
    /// overlapping markers stay apart.
    static func marker(index: Int, x: Double, y: Double) -> SVGWriter.Attributes {
        ["class": "marker", "d": markerShape(index).path(x: x, y: y, r: markerRadius), "fill": color(index),
         "stroke": "#ffffff", "stroke-width": "0.75"]
    }

    /// Text with a white outline under it, so that labels stay readable over lines and grid.
    static func haloText(x: Double, y: Double, anchor: String, cssClass: String = "annotation-label") -> SVGWriter.Attributes {
        ["class": cssClass, "x": SVGWriter.number(x), "y": SVGWriter.number(y), "text-anchor": anchor,
         "stroke": "#ffffff", "stroke-width": "4", "stroke-linejoin": "round", "paint-order": "stroke"]
    }

    static let gridMajor = "#d9d9d9"
    static let gridMinor = "#efefef"
    static let axis = "#333333"
    static let text = "#222222"
}

/// Marker shapes, drawn as paths of about the same area, centred on the data point.
enum MarkerShape: CaseIterable, Sendable {
    case circle, square, triangleUp, diamond, triangleDown, cross

    /// Corners of the polygon shapes, in multiples of the radius from the centre (y grows down).
    private var corners: [(Double, Double)] {
        switch self {
        case .circle: []
        case .square: [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)]
        case .triangleUp: [(0, -1.2), (1.2, 0.96), (-1.2, 0.96)]
        case .triangleDown: [(0, 1.2), (1.2, -0.96), (-1.2, -0.96)]
        case .diamond: [(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)]
        case .cross:
            [(-1.1, -0.35), (-0.35, -0.35), (-0.35, -1.1), (0.35, -1.1), (0.35, -0.35), (1.1, -0.35),
             (1.1, 0.35), (0.35, 0.35), (0.35, 1.1), (-0.35, 1.1), (-0.35, 0.35), (-1.1, 0.35)]
        }
    }

    /// Path data for the shape at (x, y) with "radius" `r`.
    func path(x: Double, y: Double, r: Double) -> String {
        let n = SVGWriter.number
        guard self != .circle else {
            return "M\(n(x - r)) \(n(y))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0Z"
        }
        return "M" + corners.map { "\(n(x + $0.0 * r)) \(n(y + $0.1 * r))" }.joined(separator: "L") + "Z"
    }
}
