import ExperimentModel
import Foundation
import Logging

/// Runs every point of a sweep as its own experiment (its own databases, brokers and services)
/// into `<output>/runs/<point>/`, then writes the sweep's report from their results. A failed
/// point stops the sweep: its figures would be missing from every chart.
struct SweepRunner {
    let plan: SweepPlan
    let settings: ExperimentSettings
    let output: URL
    let logger: Logger

    func run() async throws {
        var results: [ExperimentResults] = []
        for (index, point) in plan.points.enumerated() {
            let folder = output.appendingPathComponent("runs").appendingPathComponent(point.label)
            print("sweep: run \(index + 1) of \(plan.points.count): intensity \(Fmt.number(point.intensity))×, "
                  + "\(point.perPlant) images per plant, batch interval \(Fmt.number(point.interval)) s, "
                  + "fetch wait \(point.fetchWaitMilliseconds) ms → \(folder.path)")
            let launch = try RunLaunch(settings: settings, logger: logger, point: point, outputDir: folder.path)
            results.append(try await ExperimentSettings.finish(launch))
        }
        let files = try SweepReport(results: results).write(to: output)
        print("sweep report: \(files[0].path)")
    }

    /// The runs' results under `<folder>/runs/*/results.json`, in the sweep's order (by name).
    static func load(_ folder: URL) throws -> [ExperimentResults] {
        let runs = folder.appendingPathComponent("runs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        let files = names.sorted().map { runs.appendingPathComponent($0).appendingPathComponent("results.json") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        guard !files.isEmpty else { throw ExperimentError(.output, "no runs/*/results.json under \(folder.path)") }
        return try files.map(ReportWriter.load)
    }
}
