import Charts
import Foundation

/// `frontier.md` and one chart per intensity: each design's bytes per hour against its
/// staleness p99 through the settings of its knob (the stream consumers' fetch wait, the batch
/// period), and for each staleness budget the cheapest design that meets it. Every run measures
/// all four variants, so a run gives one point of each; the stream's points differ by fetch
/// wait, the batch's by period. Beside them, each point's model (`BandwidthModel` on its run's
/// own inputs) and, clearly labelled, a model of the envelope stream on a broker that answers a
/// waiting fetch as soon as data arrives (Apache Kafka), from the measured polling bytes.
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
        /// What the run's model predicts for it.
        let modelBytesPerHour: Double
        /// Why measured and model differ by more than `ModelComparison.tolerance`; nil within it.
        var modelGap: String? = nil

        var settingText: String {
            variant.isStream ? "fetch wait \(Int(setting)) ms" : "every \(Fmt.seconds(setting))"
        }
    }

    /// The points of one intensity, and its measured change rate.
    struct Level: Sendable {
        let intensity: Double
        let rate: Double
        let points: [Point]
        /// The envelope stream at each measured fetch wait on Apache Kafka (model).
        let kafkaModel: [Point]

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
                    let window = run.results.windowSeconds
                    return Point(variant: variant, setting: setting, bytesPerHour: run.bytesPerHour(variant), p99: p99, run: run.label,
                                 modelBytesPerHour: window > 0 ? run.model.predictedBytes(variant) / window * 3600 : 0,
                                 modelGap: ModelComparison(variant, model: run.model, results: run.results).reason)
                }
            }
            levels.append(Level(intensity: intensity, rate: group.map(\.rate).reduce(0, +) / Double(group.count), points: points,
                                kafkaModel: Self.kafkaModel(group)))
        }
        let swept = levels.contains { level in
            Dictionary(grouping: level.points, by: \.variant).values.contains { Set($0.map(\.setting)).count > 1 }
        }
        guard swept else { return nil }
        self.levels = levels
    }

    /// The envelope stream on Apache Kafka, modelled from each run on Tansu. Tansu holds every
    /// fetch for about its wait w, so the polling bytes per fetch are b = f·w (f: the measured
    /// idle bytes per second). Apache Kafka ends a waiting fetch when data arrives: with changes
    /// arriving at r per second (Poisson), a fetch lasts (1 − e^(−r·w)) / r on average, and
    /// staleness no longer includes the wait: it is the shortest wait's measured p99, where
    /// Tansu's hold adds the least. The changes' own bytes are the run's, less its polling.
    static func kafkaModel(_ runs: [SweepReport.Run]) -> [Point] {
        let measured = runs.compactMap { run in run.p99(.streamEnvelope).map { (run, $0) } }
        guard let fastest = measured.min(by: { $0.0.fetchWaitMilliseconds < $1.0.fetchWaitMilliseconds }) else { return [] }
        return measured.map { run, _ in
            let wait = Double(run.fetchWaitMilliseconds) / 1000, rate = run.rate
            let idle = run.model.inputs.envelopeIdleRate
            let fetchesPerSecond = rate > 0 ? rate / (1 - exp(-rate * wait)) : 1 / wait
            let changes = max(run.bytesPerHour(.streamEnvelope) - idle * 3600, 0)
            let bytes = changes + idle * wait * fetchesPerSecond * 3600
            return Point(variant: .streamEnvelope, setting: Double(run.fetchWaitMilliseconds), bytesPerHour: bytes, p99: fastest.1,
                         run: run.label, modelBytesPerHour: bytes)
        }
    }

    func charts() -> [(String, LineChart)] {
        levels.map { level in
            var series = Variant.allCases.compactMap { variant -> Series? in
                let points = level.points.filter { $0.variant == variant }.sorted { $0.p99 < $1.p99 }
                return points.isEmpty ? nil : Series(name: variant.rawValue, xy: points.map { ($0.p99, max($0.bytesPerHour, 1)) }, markers: true)
            }
            let kafka = level.kafkaModel.sorted { $0.bytesPerHour > $1.bytesPerHour }
            if !kafka.isEmpty {
                // One staleness for every wait: the markers stack on one vertical line.
                series.append(Series(name: "stream-envelope on Apache Kafka (model)", xy: kafka.map { ($0.p99, max($0.bytesPerHour, 1)) }, markers: true))
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

        ## The answer

        \(levels.map { "- **\(Fmt.factor($0.intensity))× (\(Fmt.number($0.rate)) changes/s).** " + summary($0) }.joined(separator: "\n"))
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
                let ratio = point.modelBytesPerHour > 0 ? Fmt.percent(point.bytesPerHour / point.modelBytesPerHour - 1) : "–"
                return [point.variant.rawValue, point.settingText, Fmt.seconds(point.p99), Fmt.bytes(point.bytesPerHour) + "/h",
                        Fmt.bytes(point.modelBytesPerHour) + "/h", ratio, link]
            }
            let kafka: [[String]] = level.kafkaModel.sorted { $0.setting < $1.setting }.map { point in
                let tansu = level.points.first { $0.variant == .streamEnvelope && $0.run == point.run }
                return [point.settingText, tansu.map { Fmt.seconds($0.p99) + ", " + Fmt.bytes($0.bytesPerHour) + "/h" } ?? "–",
                        Fmt.seconds(point.p99) + ", " + Fmt.bytes(point.bytesPerHour) + "/h"]
            }
            sections.append("""
            ## Intensity \(Fmt.factor(level.intensity))× (\(Fmt.number(level.rate)) changes/s)

            \(summary(level))

            ![bytes against staleness](\(level.chartFile))

            \(Fmt.table(["Staleness budget (p99)", "Cheapest", "Bytes per hour", "Cheapest stream", "Cheapest batch"], rows))

            Every point, with what its run's model predicts (measured − model, as a share of the model):

            \(Fmt.table(["Variant", "Setting", "Staleness p99", "Bytes per hour", "Model", "Measured vs model", "Run"], points))

            \(modelAgreement(level))

            **A model, not a measurement: the envelope stream on Apache Kafka.** Tansu holds a fetch \
            for about its whole wait even when data arrives, so its wait sets the stream's staleness \
            and, through the fetches per second, its polling bytes. Apache Kafka answers a waiting \
            fetch as soon as a message arrives, so a long wait costs no staleness there: with the \
            measured bytes per fetch (idle bytes per second × wait) and Poisson arrivals at the \
            measured rate, a fetch lasts (1 − e^(−r·w)) / r, and staleness stays at the shortest \
            wait's measured p99.

            \(Fmt.table(["Fetch wait", "Tansu (measured): p99, bytes", "Apache Kafka (model): p99, bytes"], kafka))
            """)
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// How many points the model meets within the tolerance, and why it misses the others.
    func modelAgreement(_ level: Level) -> String {
        let missed = level.points.filter { $0.modelGap != nil }
        let within = "\(level.points.count - missed.count) of \(level.points.count) points within "
            + "\(Int(ModelComparison.tolerance * 100))% of their run's model."
        return missed.isEmpty ? within
            : within + " The others:\n\n" + missed.map { "- \($0.variant.rawValue), \($0.settingText): \($0.modelGap ?? "")" }.joined(separator: "\n")
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
