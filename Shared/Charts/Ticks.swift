import Foundation

/// A tick on an axis; minor ticks (log axes' 2× and 5×) have no label.
struct Tick: Sendable, Equatable {
    let value: Double
    let label: String?
}

/// The range an axis finally shows and its ticks.
struct AxisTicks: Sendable {
    let domain: ClosedRange<Double>
    let ticks: [Tick]

    var labels: [String] { ticks.compactMap(\.label) }
}

/// Chooses "nice" ticks: on linear axes the smallest 1-2-5 step (in the axis unit) giving at most
/// `maxIntervals` intervals, with the range widened to whole steps; on log axes the unit's
/// decades as labelled majors with unlabelled 2× and 5× minors, the range widened to majors.
/// A fixed range is kept as given, with the ticks that fall inside it.
enum Ticks {
    static let maxIntervals = 6.0
    static let maxLogLabels = 10
    private static let tolerance = 1e-9

    static func make(for axis: Axis, data: ClosedRange<Double>) -> AxisTicks {
        switch axis.scale {
        case .linear: linear(data, fixed: axis.range, unit: axis.unit)
        case .log: log(data, fixed: axis.range, unit: axis.unit)
        }
    }

    static func linear(_ data: ClosedRange<Double>, fixed: ClosedRange<Double>?, unit: ValueUnit) -> AxisTicks {
        var lower = fixed?.lowerBound ?? min(0, data.lowerBound)
        var upper = fixed?.upperBound ?? max(0, data.upperBound)
        if upper <= lower { upper = lower + 1 }
        let steps = TickLadder.linearSteps(for: unit)
        let intervals = { (step: Double) -> Double in
            fixed == nil
                ? ceil(upper / step - tolerance) - floor(lower / step + tolerance)
                : (upper - lower) / step
        }
        var step = steps.first { intervals($0.value) <= maxIntervals } ?? steps[steps.count - 1]
        if unit == .seconds && step.value < 1 && max(abs(lower), abs(upper)) >= 1 {
            // 0.5 s, 1 s, 1.5 s reads better than 500 ms, 1000 ms, 1500 ms; ms to s is decimal.
            step = TickStep(value: step.value, divisor: 1, suffix: " s")
        }
        guard intervals(step.value) <= 1000 else {
            return AxisTicks(domain: lower...upper, ticks: [lower, upper].map { Tick(value: $0, label: step.label($0)) })
        }
        if fixed == nil {
            lower = floor(lower / step.value + tolerance) * step.value
            upper = ceil(upper / step.value - tolerance) * step.value
        }
        let first = Int(ceil(lower / step.value - tolerance))
        let last = Int(floor(upper / step.value + tolerance))
        let ticks = (first...last).map { index in
            let value = Double(index) * step.value
            return Tick(value: value, label: step.label(value))
        }
        return AxisTicks(domain: lower...upper, ticks: ticks)
    }

    static func log(_ data: ClosedRange<Double>, fixed: ClosedRange<Double>?, unit: ValueUnit) -> AxisTicks {
        let majors = TickLadder.logMajors(for: unit)
        var lower = data.lowerBound
        var upper = data.upperBound
        if let fixed {
            lower = fixed.lowerBound
            upper = fixed.upperBound
        } else {
            lower = majors.last { $0 <= lower * (1 + tolerance) } ?? lower
            upper = majors.first { $0 >= upper * (1 - tolerance) } ?? upper
            if upper <= lower { upper = majors.first { $0 > lower * (1 + tolerance) } ?? lower * 10 }
        }
        let inside = { (value: Double) in value >= lower * (1 - tolerance) && value <= upper * (1 + tolerance) }
        var ticks: [Tick] = []
        for (index, major) in majors.enumerated() {
            if inside(major) { ticks.append(Tick(value: major, label: UnitFormat.format(major, unit: unit))) }
            let next = index + 1 < majors.count ? majors[index + 1] : major * 10
            for multiple in [2.0, 5] where major * multiple < next * (1 - tolerance) && inside(major * multiple) {
                ticks.append(Tick(value: major * multiple, label: nil))
            }
        }
        let labelled = ticks.filter { $0.label != nil }
        if labelled.count <= 3 {
            // Three decades or fewer: label the minors too, or there would be too little to read.
            ticks = ticks.map { Tick(value: $0.value, label: UnitFormat.format($0.value, unit: unit)) }
        } else if labelled.count > maxLogLabels {
            // Too many decades to label: keep every n-th label and drop the minors.
            let stride = (labelled.count + maxLogLabels - 1) / maxLogLabels
            ticks = labelled.enumerated().map { index, tick in
                Tick(value: tick.value, label: index % stride == 0 ? tick.label : nil)
            }
        }
        return AxisTicks(domain: lower...upper, ticks: ticks)
    }
}
