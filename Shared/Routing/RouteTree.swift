/// A segment trie mapping paths to endpoint indices.
///
/// Literal children are tried before the parameter child, backtracking if the literal branch
/// finds nothing, so `/image-plant/{plant}/total` beats `/image-plant/{plant}/{image_id}` while
/// `/image-plant/x/other` still reaches the parameter route.
struct RouteTree: Sendable {
    private struct Node: Sendable {
        var literals: [Substring: Int] = [:]
        var parameter: Int?
        var endpoint: Int?
    }

    private var nodes = [Node()]

    /// The endpoint index stored for `template`'s shape, if any.
    func endpoint(for template: PathTemplate) -> Int? {
        var node = 0
        for segment in template.segments {
            switch segment {
            case .literal(let text):
                guard let next = nodes[node].literals[Substring(text)] else { return nil }
                node = next
            case .parameter:
                guard let next = nodes[node].parameter else { return nil }
                node = next
            }
        }
        return nodes[node].endpoint
    }

    /// Stores `endpoint` for `template`'s shape.
    mutating func insert(_ template: PathTemplate, endpoint: Int) {
        var node = 0
        for segment in template.segments {
            switch segment {
            case .literal(let text):
                if let next = nodes[node].literals[Substring(text)] {
                    node = next
                } else {
                    let child = addNode()
                    nodes[node].literals[Substring(text)] = child
                    node = child
                }
            case .parameter:
                if let next = nodes[node].parameter {
                    node = next
                } else {
                    let child = addNode()
                    nodes[node].parameter = child
                    node = child
                }
            }
        }
        nodes[node].endpoint = endpoint
    }

    /// Finds the endpoint for `path` and the raw text of its parameter segments, in order.
    func match(_ path: String) -> (endpoint: Int, values: [Substring])? {
        let segments = PathTemplate.split(path)
        var values: [Substring] = []
        guard let endpoint = match(segments[...], from: 0, values: &values) else { return nil }
        return (endpoint, values)
    }

    private func match(_ segments: ArraySlice<Substring>, from node: Int, values: inout [Substring]) -> Int? {
        guard let segment = segments.first else { return nodes[node].endpoint }
        let rest = segments.dropFirst()
        if let literal = nodes[node].literals[segment], let found = match(rest, from: literal, values: &values) {
            return found
        }
        guard let parameter = nodes[node].parameter, !segment.isEmpty else { return nil }
        values.append(segment)
        if let found = match(rest, from: parameter, values: &values) { return found }
        values.removeLast()
        return nil
    }

    private mutating func addNode() -> Int {
        nodes.append(Node())
        return nodes.count - 1
    }
}
