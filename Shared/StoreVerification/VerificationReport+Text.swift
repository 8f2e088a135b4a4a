extension VerificationReport {
    /// The report for people: one summary line per plant, then its detailed differences,
    /// then an overall verdict.
    ///
    ///     potato: producer 10, consumer 10, missing 1, extra 0, different 1 — DIFFERENT
    ///       missing    id 4  producer 9d1c0a5e5b8f7a21  consumer -
    ///       different  id 7  producer 0c1f2e3d4c5b6a79  consumer 7a6b5c4d3e2f1a08  fields data, updated_at
    ///     tomato: producer 5, consumer 5, missing 0, extra 0, different 0 — equal
    ///     result: DIFFERENT (potato)
    public var text: String {
        var lines: [String] = []
        for plant in plants {
            var counts = "missing \(plant.missing), extra \(plant.extra), different \(plant.different)"
            if plant.settled > 0 { counts += ", settled in flight \(plant.settled)" }
            if plant.repaired > 0 { counts += ", repaired \(plant.repaired)" }
            lines.append("\(plant.plant.rawValue): producer \(plant.producerCount), consumer \(plant.consumerCount), \(counts) — "
                + (plant.isEqual ? "equal" : "DIFFERENT"))
            lines += plant.details.map { "  " + $0.text }
            if plant.undetailedCount > 0 { lines.append("  … and \(plant.undetailedCount) more differences not shown") }
        }
        let differing = plants.filter { !$0.isEqual }.map(\.plant.rawValue)
        lines.append(differing.isEmpty ? "result: equal" : "result: DIFFERENT (\(differing.joined(separator: ", ")))")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RecordDifference {
    /// `different  id 7  producer 0c1f…  consumer 7a6b…  fields data, updated_at`.
    public var text: String {
        var line = kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            + "  id \(id)  producer \(producerDigest.map(Self.hex) ?? "-")  consumer \(consumerDigest.map(Self.hex) ?? "-")"
        if !fields.isEmpty { line += "  fields " + fields.map(\.rawValue).joined(separator: ", ") }
        if producerVersion != nil || consumerVersion != nil {
            line += "  versions \(producerVersion.map(String.init) ?? "-")/\(consumerVersion.map(String.init) ?? "-")"
        }
        return line
    }
}
