import Foundation

/// The summary's part 2a lines: staleness per change (bucket upper bounds) and cost per variant,
/// then the shared processes.
enum StalenessAndCostTable {
    static func render(_ results: ExperimentResults) -> [String] {
        let widths = [22, 8, 9, 9, 9, 9, 9, 10]
        var lines = [
            "staleness per change (p50/p95/p99/max: upper bounds of the histogram buckets they fall in; batch: scheduled runs only)",
            ResultsTable.row(["variant", "changes", "p50 ≤", "p95 ≤", "p99 ≤", "max ≤", "mean", "after window (excluded)"], widths: widths),
        ]
        for variant in results.variants {
            let staleness = variant.staleness
            lines.append(ResultsTable.row([
                variant.name, "\(staleness.count)", seconds(staleness.p50UpperBoundSeconds), seconds(staleness.p95UpperBoundSeconds),
                seconds(staleness.p99UpperBoundSeconds), seconds(staleness.maxUpperBoundSeconds), seconds(staleness.meanSeconds),
                staleness.excludedCatchUpCount.map(String.init) ?? "",
            ], widths: widths))
        }
        let costWidths = [22, 7, 10, 10, 14, 14, 10]
        let changesPerSecond = results.windowSeconds > 0 ? Double(results.changes.count) / results.windowSeconds : 0
        lines += [
            "",
            "cost over the window (\(String(format: "%.2f", changesPerSecond)) changes/s; vCPU per 1,000 changes/s assumes CPU "
                + "grows linearly with the change rate; peak RSS is measured, not scaled)",
            ResultsTable.row(["process", "CPU s", "mean vCPU", "idle vCPU", "vCPU/1k ch/s", "above idle", "peak RSS"],
                             widths: costWidths),
        ]
        let entries = results.variants.map { ($0.name, $0.cost) }
            + results.sharedCost.map { ("shared: \($0.process)", $0) }
        for (label, cost) in entries {
            lines.append(ResultsTable.row([
                label, String(format: "%.2f", cost.cpuSeconds), String(format: "%.3f", cost.averageVcpu),
                String(format: "%.3f", cost.idleAverageVcpu), String(format: "%.2f", cost.vcpuPerThousandChangesPerSecond),
                String(format: "%.2f", cost.vcpuPerThousandChangesPerSecondAboveIdle), ResultsTable.bytes(cost.peakRssBytes),
            ], widths: costWidths))
        }
        return lines
    }

    /// `12 ms`, `2.5 s`; `–` when nothing was observed or the quantile lies beyond the last finite bound.
    private static func seconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value < 1 ? String(format: "%.3g ms", value * 1000) : String(format: "%.3g s", value)
    }
}
