import Foundation

/// The runs of a sweep (`--sweep-intensity`, `--sweep-per-plant`, `--sweep-interval`,
/// `--sweep-fetch-wait`): one axis at a time around the base point (the run's own flags), so
/// each chart varies one input only. The batch interval and the fetch wait are the two designs'
/// knobs between bytes and staleness; `--sweep-knobs` pairs them instead, one run per pair, as
/// every run measures both designs: the frontier at each intensity in few runs.
public struct SweepPlan: Sendable, Equatable {
    public struct Point: Sendable, Hashable {
        public var intensity: Double
        public var perPlant: Int
        /// The batch interval before `speed`, seconds.
        public var interval: Double
        /// The stream consumers' `fetch.wait.max.ms`.
        public var fetchWaitMilliseconds: Int

        public static let limsInterval: Double = 600
        public static let consumerFetchWait = 10

        public init(intensity: Double, perPlant: Int, interval: Double = Self.limsInterval,
                    fetchWaitMilliseconds: Int = Self.consumerFetchWait) {
            (self.intensity, self.perPlant, self.interval, self.fetchWaitMilliseconds) = (intensity, perPlant, interval, fetchWaitMilliseconds)
        }

        /// Its folder under `runs/`; the knobs are named when they are not LIMS's and the consumer's.
        public var label: String {
            "intensity-\(Fmt.factor(intensity))-per-plant-\(perPlant)"
                + (interval == Self.limsInterval ? "" : "-interval-\(Fmt.factor(interval))s")
                + (fetchWaitMilliseconds == Self.consumerFetchWait ? "" : "-fetch-wait-\(fetchWaitMilliseconds)ms")
        }
    }

    /// The values of each axis; empty: not swept.
    public struct Axes: Sendable, Equatable {
        public var intensities: [Double]
        public var perPlants: [Int]
        public var intervals: [Double]
        public var fetchWaits: [Int]
        /// Pair `intervals` and `fetchWaits` (equally many) at every intensity.
        public var pairKnobs: Bool

        public init(intensities: [Double] = [], perPlants: [Int] = [], intervals: [Double] = [], fetchWaits: [Int] = [],
                    pairKnobs: Bool = false) {
            (self.intensities, self.perPlants, self.intervals, self.fetchWaits, self.pairKnobs)
                = (intensities, perPlants, intervals, fetchWaits, pairKnobs)
        }
    }

    public let points: [Point]

    /// Nil when no axis has values (no sweep). A point runs once even when several axes include it.
    public init?(base: Point, axes: Axes) {
        var points: [Point] = []
        func add(_ point: Point) { if !points.contains(point) { points.append(point) } }
        if axes.pairKnobs {
            for intensity in axes.intensities.isEmpty ? [base.intensity] : axes.intensities {
                for (interval, fetchWait) in zip(axes.intervals, axes.fetchWaits) {
                    add(Point(intensity: intensity, perPlant: base.perPlant, interval: interval, fetchWaitMilliseconds: fetchWait))
                }
            }
        } else {
            for intensity in axes.intensities { add(with(base) { $0.intensity = intensity }) }
            for perPlant in axes.perPlants { add(with(base) { $0.perPlant = perPlant }) }
            for interval in axes.intervals { add(with(base) { $0.interval = interval }) }
            for fetchWait in axes.fetchWaits { add(with(base) { $0.fetchWaitMilliseconds = fetchWait }) }
        }
        guard !points.isEmpty else { return nil }
        self.points = points
    }
}

private func with(_ point: SweepPlan.Point, _ change: (inout SweepPlan.Point) -> Void) -> SweepPlan.Point {
    var point = point
    change(&point)
    return point
}
