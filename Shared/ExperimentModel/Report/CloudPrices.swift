/// Assumed cloud prices for the report's yearly cost: list-price-like on-demand figures, not
/// a quote; the report prints them with their date so the reader can substitute their own.
struct CloudPrices: Sendable {
    var asOf = "2026-12-02"
    var perVcpuHour = 0.04
    var perGBMonthMemory = 3.65
    /// Inter-zone transfer, both directions together ($0.01/GB out + $0.01/GB in).
    var perGBTransfer = 0.02

    static let hoursPerYear = 8760.0

    struct YearCost: Sendable {
        var cpu: Double
        var memory: Double
        var transfer: Double
        var total: Double { cpu + memory + transfer }
    }

    /// A year of `vcpu` average vCPUs, `memoryBytes` resident and `bytesPerHour` on the wire,
    /// all of it assumed to cross zones.
    func year(vcpu: Double, memoryBytes: Double, bytesPerHour: Double) -> YearCost {
        YearCost(cpu: vcpu * Self.hoursPerYear * perVcpuHour,
                 memory: memoryBytes / 1e9 * 12 * perGBMonthMemory,
                 transfer: bytesPerHour * Self.hoursPerYear / 1e9 * perGBTransfer)
    }

    var statement: String {
        "Price assumptions (\(asOf), assumed on-demand list-like prices, not a quote): \(Fmt.dollars(perVcpuHour)) per vCPU-hour, "
            + "\(Fmt.dollars(perGBMonthMemory)) per GB-month of memory, \(Fmt.dollars(perGBTransfer)) per GB of inter-zone "
            + "transfer (both directions together); every byte a variant moves is assumed to cross zones."
    }
}
