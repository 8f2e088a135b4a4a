/// Places annotation labels where they read best: of a few positions around a label's anchor
/// (right/left, above/below), the first that stays inside the plot and crosses the fewest
/// series lines and labels already placed. Text size is estimated (see `SVGWriter.textWidth`).
struct LabelPlacement {
    typealias Point = (x: Double, y: Double)

    /// A label position: `x` and `baseline` as for SVG `<text>`, and its `text-anchor`.
    struct Candidate: Equatable {
        let x: Double
        let baseline: Double
        let anchor: String
    }

    let plot: Rect
    /// Polylines in pixels the labels should not cross: the series and vertical lines.
    var obstacles: [[Point]]
    private var placed: [Rect] = []

    init(plot: Rect, obstacles: [[Point]]) {
        self.plot = plot
        self.obstacles = obstacles
    }

    /// The best of `candidates` for a label of `text`, remembered so later labels avoid it.
    mutating func place(_ text: String, _ candidates: [Candidate]) -> Candidate {
        let width = SVGWriter.textWidth(text, fontSize: PlotFrame.fontSize)
        var best = candidates[0]
        var bestScore = Int.max
        for candidate in candidates {
            let score = self.score(box(candidate, width: width))
            if score < bestScore {
                best = candidate
                bestScore = score
            }
        }
        placed.append(box(best, width: width))
        return best
    }

    private func box(_ candidate: Candidate, width: Double) -> Rect {
        let left = switch candidate.anchor {
        case "end": candidate.x - width
        case "middle": candidate.x - width / 2
        default: candidate.x
        }
        return Rect(x: left - 2, y: candidate.baseline - PlotFrame.fontSize, width: width + 4, height: PlotFrame.fontSize + 4)
    }

    /// Lower is better: leaving the plot costs most, then overlapping a placed label, then each
    /// line segment crossed.
    private func score(_ box: Rect) -> Int {
        var score = 0
        if box.x < plot.x || box.right > plot.right || box.y < plot.y || box.bottom > plot.bottom { score += 1000 }
        for other in placed where overlaps(box, other) { score += 100 }
        for line in obstacles {
            for (a, b) in zip(line, line.dropFirst()) where Self.segment(a, b, meets: box) { score += 1 }
        }
        return score
    }

    private func overlaps(_ a: Rect, _ b: Rect) -> Bool {
        a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom
    }

    /// Whether the segment from `a` to `b` touches `rect` (Liang–Barsky clipping).
    static func segment(_ a: Point, _ b: Point, meets rect: Rect) -> Bool {
        let dx = b.x - a.x, dy = b.y - a.y
        var enter = 0.0, exit = 1.0
        let edges = [(-dx, a.x - rect.x), (dx, rect.right - a.x), (-dy, a.y - rect.y), (dy, rect.bottom - a.y)]
        for (direction, distance) in edges {
            if direction == 0 {
                if distance < 0 { return false }
                continue
            }
            let t = distance / direction
            if direction < 0 { enter = max(enter, t) } else { exit = min(exit, t) }
            if enter > exit { return false }
        }
        return true
    }
}
