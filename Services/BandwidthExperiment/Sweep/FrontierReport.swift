import Charts
import Foundation

/// `frontier.md` and one chart per intensity: each design's bytes per hour against its
/// staleness p99 through the settings of its knob (the stream consumers' fetch wait, the batch
/// period), and for each staleness budget the cheapest design that meets it. Every run measures
/// all four variants, so a run gives one point of each; the stream's points differ by fetch
/// wait, the batch's by period. Measured figures only.
struct FrontierReport: Sendable {
    static let file = "frontier.md"

    /// One variant at one setting of its knob.
    struct Point: Sendable, Equatable {
        let variant: Variant
        /// The fetch wait (ms) of a stream, the batch period (s, after speed) of a batch.
        let setting: Double
        let bytesPerHour: Double
        let p99: Double
        let run: String

        var settingText: String {
            variant.isStream ? "fetch wait \(Int(setting)) ms" : "every \(Fmt.seconds(setting))"
        }
    }

    /// The points of one intensity, and its measured change rate.
    struct Level: Sendable {
        let intensity: Double
        let rate: Double
        let points: [Point]

        /// The cheapest point whose p99 is within `budget` (seconds); nil when none is.
        func cheapest(within budget: Double, among variants: [Variant] = Variant.allCases) -> Point? {
            points.filter { $0.p99 <= budget && variants.contains($0.variant) }.min { $0.bytesPerHour < $1.bytesPerHour }
        }

        /// For each of `budgets`, the cheapest point within it: the design to pick.
        func answers(_ budgets: [Double]) -> [(budget: Double, best: Point?)] {
            budgets.map { ($0, cheapest(within: $0)) }
        }

        var chartFile: String { "frontier-intensity-\(Fmt.factor(intensity)).svg" }
    }

    /// Staleness budgets the answer is given for, in seconds.
    static let budgets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800]

    let levels: [Level]

    /// Nil unless some intensity has a variant at two settings or more (a sweep of the knobs).
    init?(runs: [SweepReport.Run]) {
        var levels: [Level] = []
        for (intensity, group) in Dictionary(grouping: runs, by: \.intensity).sorted(by: { $0.key < $1.key }) {
            let points = group.flatMap { run in
                Variant.allCases.compactMap { variant -> Point? in
                    guard let p99 = run.p99(variant), p99 > 0 else { return nil }
                    let setting = variant.isStream ? Double(run.fetchWaitMilliseconds) : run.results.parameters.batchPeriodSeconds
                    return Point(variant: variant, setting: setting, bytesPerHour: run.bytesPerHour(variant), p99: p99, run: run.label)
                }
            }
            levels.append(Level(intensity: intensity, rate: group.map(\.rate).reduce(0, +) / Double(group.count), points: points))
        }
        let swept = levels.contains { level in
            Dictionary(grouping: level.points, by: \.variant).values.contains { Set($0.map(\.setting)).count > 1 }
        }
        guard swept else { return nil }
        self.levels = levels
    }

    func charts() -> [(String, LineChart)] {
        levels.map { level in
            let series = Variant.allCases.compactMap { variant -> Series? in
                let points = level.points.filter { $0.variant == variant }.sorted { $0.p99 < $1.p99 }
                return points.isEmpty ? nil : Series(name: variant.rawValue, xy: points.map { ($0.p99, max($0.bytesPerHour, 1)) }, markers: true)
            }
            return (level.chartFile, LineChart(
                title: "Bytes per hour against staleness p99, intensity \(Fmt.factor(level.intensity))× (\(Fmt.number(level.rate)) changes/s)",
                x: Axis(title: "Staleness p99 (bucket bound)", unit: .seconds, scale: .log),
                y: Axis(title: "Bytes per hour, all hops", unit: .bytes, scale: .log), series: series, legend: .below))
        }
    }

    var markdown: String {
        var sections = ["""
        # Bytes against staleness: the frontier

        Each design has a knob that trades bytes for staleness: the stream consumers' fetch wait \
        (`fetch.wait.max.ms`; Tansu holds every fetch for about that long, so it sets both the polling \
        bytes and the delivery delay) and the batch period. Every run measured all four variants at one \
        setting of each knob; below, for each staleness budget (p99), the cheapest variant measured \
        within it. Lower and further left is better; a budget no point meets says "none measured".
        """]
        for level in levels {
            let rows: [[String]] = level.answers(Self.budgets).map { budget, best in
                let stream = level.cheapest(within: budget, among: [.streamEnvelope, .streamLegacy])
                let batch = level.cheapest(within: budget, among: [.batchFull, .batchIncremental])
                let choice: String = best.map { "**\($0.variant.rawValue)**, \($0.settingText)" } ?? "none measured"
                let cost: String = best.map { Fmt.bytes($0.bytesPerHour) + "/h" } ?? "–"
                let streamCost: String = stream.map { Fmt.bytes($0.bytesPerHour) + "/h (" + $0.settingText + ")" } ?? "–"
                let batchCost: String = batch.map { Fmt.bytes($0.bytesPerHour) + "/h (" + $0.variant.role + ", " + $0.settingText + ")" } ?? "–"
                return [Fmt.seconds(budget), choice, cost, streamCost, batchCost]
            }
            let sorted = level.points.sorted { ($0.variant.rawValue, $0.setting) < ($1.variant.rawValue, $1.setting) }
            let points: [[String]] = sorted.map { point in
                let link = "[\(point.run)](runs/\(point.run)/report.md)"
                return [point.variant.rawValue, point.settingText, Fmt.seconds(point.p99), Fmt.bytes(point.bytesPerHour) + "/h", link]
            }
            sections.append("""
            ## Intensity \(Fmt.factor(level.intensity))× (\(Fmt.number(level.rate)) changes/s)

            \(summary(level))

            ![bytes against staleness](\(level.chartFile))

            \(Fmt.table(["Staleness budget (p99)", "Cheapest", "Bytes per hour", "Cheapest stream", "Cheapest batch"], rows))

            Every point:

            \(Fmt.table(["Variant", "Setting", "Staleness p99", "Bytes per hour", "Run"], points))
            """)
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The answer in words: what is cheapest for the tightest budgets, and from which budget on
    /// batch is.
    func summary(_ level: Level) -> String {
        let answers = level.answers(Self.budgets).compactMap { budget, best in best.map { (budget, $0) } }
        guard let tightest = answers.first else { return "No variant recorded a staleness here." }
        var text = "Within \(Fmt.seconds(tightest.0)) only \(tightest.1.variant.rawValue) (\(tightest.1.settingText)) is measured, "
            + "at \(Fmt.bytes(tightest.1.bytesPerHour))/h."
        if let switchover = answers.first(where: { !$0.1.variant.isStream }) {
            text += " From a budget of \(Fmt.seconds(switchover.0)) on, \(switchover.1.variant.rawValue) (\(switchover.1.settingText)) "
                + "is the cheapest at \(Fmt.bytes(switchover.1.bytesPerHour))/h"
            if let stream = level.cheapest(within: switchover.0, among: [.streamEnvelope, .streamLegacy]) {
                text += ", against \(Fmt.bytes(stream.bytesPerHour))/h for the cheapest stream within it (\(stream.variant.rawValue), \(stream.settingText))"
            }
            text += "."
        } else {
            text += " A stream is the cheapest within every budget measured."
        }
        return text
    }
}
