import Foundation

/// The short human summary printed after a run: bytes per variant and hop, per change, the
/// payload the services counted, the relay against librdkafka's own count, staleness and cost.
public enum ResultsTable {
    public static func render(_ results: ExperimentResults) -> String {
        let parameters = results.parameters
        var lines = [
            "bandwidth experiment on \(parameters.store): \(parameters.perPlant) images per plant, "
                + "\(parameters.durationSeconds) s of jobs at speed \(format(parameters.speed)) × intensity \(format(parameters.intensity)), "
                + "batch every \(format(parameters.batchPeriodSeconds)) s",
            "changes: \(results.changes.count) (\(results.changes.byOp.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); "
                + "window \(format(results.windowSeconds)) s",
            "",
            row("variant", "source hop ↑/↓", "consumer DB hop ↑/↓", "total", "bytes/change", "payload (metrics)"),
        ]
        for variant in results.variants {
            let source = variant.hops[0], sink = variant.hops[1]
            lines.append(row(variant.name, "\(bytes(source.bytesUp))/\(bytes(source.bytesDown))",
                             "\(bytes(sink.bytesUp))/\(bytes(sink.bytesDown))", bytes(variant.bytes),
                             bytes(UInt64(variant.bytesPerChange)), bytes(UInt64(variant.payload.first?.bytes ?? 0))))
        }
        let api = results.producerApiAndOutbox
        lines.append(row("producer API + outbox", "", "\(bytes(api.bytesUp))/\(bytes(api.bytesDown))", bytes(api.bytes), "", ""))
        lines.append("")
        for variant in results.variants {
            guard let count = variant.independentCount else { continue }
            lines.append("\(count.relay): relay \(bytes(count.relayBytesUp + count.relayBytesDown)), librdkafka "
                         + "\(bytes(UInt64(count.independentBytesUp + count.independentBytesDown))): "
                         + "\(String(format: "%.2f", count.deviation * 100))% apart")
        }
        let hops = results.variants.flatMap(\.hops) + [api]
        for hop in hops {
            guard let kernel = hop.kernelCount else { continue }
            let closed = kernel.connectionsClosed == 0 ? "" : " (\(kernel.connectionsClosed) connections closed earlier: incomplete)"
            lines.append("\(hop.relay): relay \(bytes(kernel.relayBytesUp + kernel.relayBytesDown)), kernel sockets "
                         + "\(bytes(kernel.bytesUp + kernel.bytesDown)): \(String(format: "%.2f", kernel.deviation * 100))% apart\(closed)")
        }
        lines += [""] + StalenessAndCostTable.render(results)
        lines.append("every consumer DB equals the producer DB: \(results.consumerDbsEqual ? "yes" : "NO")")
        return lines.joined(separator: "\n")
    }

    private static func row(_ columns: String...) -> String {
        row(columns, widths: [22, 20, 20, 10, 13, 18])
    }

    /// The columns padded to `widths`, trailing blanks trimmed.
    static func row(_ columns: [String], widths: [Int]) -> String {
        zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// 1.23 MB, 456 kB, 789 B (decimal units).
    static func bytes(_ count: UInt64) -> String {
        let value = Double(count)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.2f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(count) B"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
