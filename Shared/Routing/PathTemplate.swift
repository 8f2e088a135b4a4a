/// A route path such as `/image-plant/{plant}/{image_id}`: literal segments and `{name}`
/// parameters. A trailing slash is ignored, so `/ping` and `/ping/` are one route.
struct PathTemplate: Sendable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    /// The template as registered.
    let text: String
    let segments: [Segment]

    /// Parses a template; a malformed one is a programming error caught at startup.
    init(_ text: String) {
        precondition(text.hasPrefix("/"), "Route path must start with '/': \(text)")
        self.text = text
        segments = PathTemplate.split(text).map { segment in
            guard segment.hasPrefix("{") else {
                precondition(!segment.contains("{") && !segment.contains("}"), "Malformed route segment '\(segment)' in \(text)")
                return .literal(String(segment))
            }
            let name = segment.dropFirst().dropLast()
            precondition(segment.hasSuffix("}") && !name.isEmpty && !name.contains("{") && !name.contains("}"),
                         "Malformed route parameter '\(segment)' in \(text)")
            return .parameter(String(name))
        }
        let names = parameterNames
        precondition(Set(names).count == names.count, "Repeated parameter name in \(text)")
    }

    /// The parameter names in order.
    var parameterNames: [String] {
        segments.compactMap { segment in
            if case .parameter(let name) = segment { return name }
            return nil
        }
    }

    /// The segments of a path: `/a/b/` and `/a/b` give `a`, `b`; `/` gives none.
    static func split(_ path: some StringProtocol) -> [Substring] {
        var segments = Substring(path).dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if segments.last?.isEmpty == true { segments.removeLast() }
        return segments
    }
}
