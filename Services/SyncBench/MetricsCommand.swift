import ArgumentParser
import Foundation
import Primitives

/// `sync-bench metrics`: the scripts' reader of saved `/metrics` pages, so that they read the
/// Prometheus text with the project's one parser (`PrometheusText`) instead of awk.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Read a saved /metrics page: the sum of metrics' series, or a histogram between two pages.",
        discussion: """
            `sync-bench metrics PAGE NAME...` prints the sum over every series of the named metrics \
            (with --label, only the series that have those labels), as an integer when it is one. \
            `sync-bench metrics PAGE --histogram NAME [--since EARLIER] [--quantile Q]...` prints, for \
            each Q, the upper bound in milliseconds of the bucket that quantile falls in (+Inf beyond \
            the last bound, n/a when nothing was observed), then the count and the mean in \
            milliseconds of what was observed after EARLIER. PAGE - reads standard input.
            """)

    @Argument(help: "A saved /metrics page; - for standard input.")
    var page: String

    @Argument(help: "The metrics to sum.")
    var names: [String] = []

    @Option(help: "Only the series with this label, as key=value; repeatable.")
    var label: [String] = []

    @Option(help: "A histogram of seconds to read instead of sums.")
    var histogram: String?

    @Option(help: "An earlier page of the same service: the histogram then holds what was observed since.")
    var since: String?

    @Option(help: "A quantile (0...1) of the histogram to print; repeatable.")
    var quantile: [Double] = []

    func validate() throws {
        guard (histogram == nil) != names.isEmpty else {
            throw ValidationError("name the metrics to sum, or one --histogram, not both")
        }
        guard quantile.allSatisfy({ (0...1).contains($0) }) else { throw ValidationError("a quantile is a number in 0...1") }
        guard histogram != nil || (since == nil && quantile.isEmpty) else {
            throw ValidationError("--since and --quantile read a --histogram")
        }
        _ = try labels()
    }

    func run() throws {
        let metrics = try Self.read(page)
        let labels = try labels()
        guard let histogram else {
            print(Self.number(names.reduce(0) { $0 + metrics.sum($1, labels) }))
            return
        }
        var observed = PrometheusHistogram(metrics, histogram, labels)
        if let since { observed = observed.since(PrometheusHistogram(try Self.read(since), histogram, labels)) }
        let bounds = quantile.map { q in
            guard observed.count > 0 else { return "n/a" }
            return observed.quantileUpperBound(q).map { String(format: "%g", $0 * 1000) } ?? "+Inf"
        }
        let mean = observed.count > 0 ? 1000 * observed.sum / observed.count : 0
        print((bounds + [Self.number(observed.count), String(format: "%.1f", mean)]).joined(separator: " "))
    }

    private func labels() throws -> [String: String] {
        try label.reduce(into: [:]) { labels, pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--label \(pair): expected key=value") }
            labels[String(parts[0])] = String(parts[1])
        }
    }

    /// A saved page; a device such as /dev/null (an empty page) reads too, which
    /// `Data(contentsOf:)` refuses.
    private static func read(_ path: String) throws -> PrometheusText {
        guard let file = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return PrometheusText(String(decoding: file.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Whole numbers without a fraction, so shell arithmetic takes them.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 9e15 ? String(Int64(value)) : String(value)
    }
}
