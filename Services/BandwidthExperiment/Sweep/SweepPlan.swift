import Foundation

/// The runs of a sweep (`--sweep-intensity`, `--sweep-per-plant`): one axis at a time around the
/// base point (the run's own --intensity and --per-plant), so each chart varies one input only.
struct SweepPlan: Sendable, Equatable {
    struct Point: Sendable, Hashable {
        var intensity: Double
        var perPlant: Int

        /// Its folder under `runs/`.
        var label: String { "intensity-\(Fmt.factor(intensity))-per-plant-\(perPlant)" }
    }

    let points: [Point]

    /// Nil when neither axis has values (no sweep). The base point runs once even when both
    /// axes include it.
    init?(base: Point, intensities: [Double], perPlants: [Int]) {
        guard !intensities.isEmpty || !perPlants.isEmpty else { return nil }
        var points: [Point] = []
        for point in intensities.map({ Point(intensity: $0, perPlant: base.perPlant) })
            + perPlants.map({ Point(intensity: base.intensity, perPlant: $0) }) where !points.contains(point) {
            points.append(point)
        }
        self.points = points
    }
}
