import Foundation

/// A candidate tick step and the unit its labels are written in, so that every label on one axis
/// uses the same unit: steps of 500 MiB read `500 MiB, 1000 MiB, 1500 MiB`, not `1.46 GiB`.
struct TickStep: Sendable {
    let value: Double
    let divisor: Double
    let suffix: String

    func label(_ tick: Double) -> String {
        tick == 0 ? "0" : UnitFormat.compact(tick / divisor) + suffix
    }
}

/// The tick steps each unit allows, smallest first. Linear steps are 1-2-5 multiples in the
/// unit's own terms (bytes by powers of 1024, durations by seconds, minutes, hours, days), and
/// log axes put major ticks at the unit's "decades" (1, 10, 100 KiB, 1 MiB; 1 s, 10 s, 1 min).
enum TickLadder {
    static func linearSteps(for unit: ValueUnit) -> [TickStep] {
        switch unit {
        case .number: numberLinear
        case .bytes: bytesLinear
        case .seconds: secondsLinear
        }
    }

    static func logMajors(for unit: ValueUnit) -> [Double] {
        switch unit {
        case .number: numberLog
        case .bytes: bytesLog
        case .seconds: secondsLog
        }
    }

    private static let decades = -12...18

    private static func power(_ exponent: Int) -> Double { pow(10, Double(exponent)) }

    /// 1-2-5 × 10^k for a plain number, labelled with the SI suffix of the step.
    private static let numberLinear: [TickStep] = decades.flatMap { exponent in
        [1.0, 2, 5].map { multiple in
            let value = multiple * power(exponent)
            let si = UnitFormat.siSuffixes.first { value >= $0.factor }
            return TickStep(value: value, divisor: si?.factor ?? 1, suffix: si?.symbol ?? "")
        }
    }

    private static let bytesLinear: [TickStep] =
        numberLinear.filter { $0.value < 1 }.map { TickStep(value: $0.value, divisor: 1, suffix: " B") }
        + UnitFormat.iecUnits.indices.flatMap { index in
            [1.0, 2, 5, 10, 20, 50, 100, 200, 500].map { multiple in
                let divisor = pow(1024, Double(index))
                return TickStep(value: multiple * divisor, divisor: divisor, suffix: " " + UnitFormat.iecUnits[index])
            }
        }

    private static let secondsLinear: [TickStep] = {
        let subSecond = numberLinear.filter { $0.value < 1 }.map { step in
            let unit = UnitFormat.durationUnits.last { step.value >= $0.seconds * 0.9995 } ?? UnitFormat.durationUnits[0]
            return TickStep(value: step.value, divisor: unit.seconds, suffix: " " + unit.symbol)
        }
        func steps(_ multiples: [Double], _ seconds: Double, _ symbol: String) -> [TickStep] {
            multiples.map { TickStep(value: $0 * seconds, divisor: seconds, suffix: " " + symbol) }
        }
        return subSecond
            + steps([1, 2, 5, 10, 15, 20, 30], 1, "s")
            + steps([1, 2, 5, 10, 15, 20, 30], 60, "min")
            + steps([1, 2, 3, 6, 12], 3600, "h")
            + steps(decades.filter { $0 >= 0 }.flatMap { e in [1.0, 2, 5].map { $0 * power(e) } }, 86_400, "d")
    }()

    private static let numberLog: [Double] = decades.map(power)

    private static let bytesLog: [Double] =
        decades.filter { $0 < 0 }.map(power)
        + UnitFormat.iecUnits.indices.flatMap { index in [1.0, 10, 100].map { $0 * pow(1024, Double(index)) } }

    private static let secondsLog: [Double] =
        decades.filter { $0 < 0 }.map(power)
        + [1, 10, 60, 600, 3600, 36_000]
        + decades.filter { $0 >= 0 }.map { power($0) * 86_400 }
}
