import Foundation

/// How values map to distance along an axis.
public enum Scale: String, Sendable {
    case linear
    /// Base 10. Every value drawn on it must be > 0.
    case log
}

/// Maps data values on one axis to pixel coordinates: `domain.lowerBound` lands on `start`,
/// `domain.upperBound` on `end`. For a y axis `start` is the bottom of the plot (SVG y grows down).
struct ScaleMapping: Sendable {
    let scale: Scale
    let domain: ClosedRange<Double>
    let start: Double
    let end: Double

    /// The pixel coordinate of `value`. On a log axis `value` must be > 0 (checked before drawing).
    func pixel(_ value: Double) -> Double {
        start + fraction(value) * (end - start)
    }

    /// Where `value` lies between the domain's bounds: 0 at the lower, 1 at the upper.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear:
            (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log:
            (log10(value) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
    }

    /// Whether `value` is within the domain, allowing for rounding at the bounds.
    func contains(_ value: Double) -> Bool {
        let position = fraction(value)
        return position >= -1e-9 && position <= 1 + 1e-9
    }

    /// The pixel of `value`, held to the plot's edge when outside (bars on a clipped axis, labels).
    func clampedPixel(_ value: Double) -> Double {
        start + min(max(fraction(value), 0), 1) * (end - start)
    }
}
