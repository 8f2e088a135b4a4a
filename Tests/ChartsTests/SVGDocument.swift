#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation
@testable import Charts

/// An element of a parsed SVG: its name, attributes, direct text and the classes of its ancestors.
struct SVGElement {
    let name: String
    let attributes: [String: String]
    var text: String
    let ancestorClasses: [String]

    subscript(attribute: String) -> String? { attributes[attribute] }
    var cssClass: String? { attributes["class"] }
    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// A rendered chart parsed with `XMLParser`: parsing fails unless the SVG is well-formed XML.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct NotWellFormed: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var elements: [SVGElement] = []
    private var open: [Int] = []

    static func parse(_ svg: String) throws -> SVGDocument {
        let document = SVGDocument()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = document
        guard parser.parse() else {
            throw NotWellFormed(description: "\(parser.parserError.map { "\($0)" } ?? "unknown error") at line \(parser.lineNumber)")
        }
        return document
    }

    var root: SVGElement { elements[0] }

    func all(_ name: String, class cssClass: String? = nil) -> [SVGElement] {
        elements.filter { $0.name == name && (cssClass == nil || $0.cssClass == cssClass) }
    }

    func all(_ name: String, inside ancestorClass: String) -> [SVGElement] {
        elements.filter { $0.name == name && $0.ancestorClasses.contains(ancestorClass) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let classes = open.compactMap { elements[$0].cssClass }
        elements.append(SVGElement(name: name, attributes: attributes, text: "", ancestorClasses: classes))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}

/// The error a render throws, or nil when it succeeds.
func renderError(_ render: () throws(ChartError) -> String) -> ChartError? {
    do {
        _ = try render()
        return nil
    } catch {
        return error
    }
}

/// Numbers of an SVG path's `d`, in order (e.g. `M1 2H3` → [1, 2, 3]).
func pathNumbers(_ d: String) -> [Double] {
    d.split(whereSeparator: { "MLHVZa ".contains($0) }).compactMap { Double($0) }
}

extension Series {
    static func make(_ name: String = "s", xy: [(Double, Double)] = [(0, 1), (5, 3), (9.3, 2)],
                     style: SeriesStyle = .line, markers: Bool = false) -> Series {
        Series(name: name, xy: xy, style: style, markers: markers)
    }
}

extension LineChart {
    static func make(title: String = "Chart", series: [Series] = [.make()], x: Axis = Axis(title: "x"),
                     y: Axis = Axis(title: "y"), annotations: [Annotation] = [], legend: LegendPosition = .right) -> LineChart {
        LineChart(title: title, x: x, y: y, series: series, annotations: annotations, legend: legend)
    }
}
