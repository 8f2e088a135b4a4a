import ExperimentModel
import Foundation
import Logging

extension ExperimentSettings {
    /// Does what the settings ask: a report from earlier results, a sweep, or one run.
    /// - Throws: `ExperimentExit` after an error (printed) or an interrupt.
    public func run() async throws {
        var logger = Logger(label: "bandwidth-experiment")
        logger.logLevel = .warning
        do {
            if let reportOnly {
                try writeReport(from: URL(fileURLWithPath: reportOnly))
            } else if let plan = SweepPlan(base: .init(intensity: intensity, perPlant: basePerPlant, interval: interval,
                                                       fetchWaitMilliseconds: fetchWaitMs), axes: sweep) {
                let output = URL(fileURLWithPath: outputDir ?? "bandwidth-experiment-sweep-\(Int(Date().timeIntervalSince1970))")
                try await SweepRunner(plan: plan, settings: self, output: output, logger: logger).run()
            } else {
                _ = try await Self.finish(try RunLaunch(settings: self, logger: logger))
            }
        } catch let error as ExperimentError {
            FileHandle.standardError.write(Data("bandwidth-experiment: error: \(error)\n".utf8))
            throw ExperimentExit.failed
        }
    }

    /// report.md from a results.json, or sweep.md from a sweep's folder.
    private func writeReport(from source: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder), isFolder.boolValue {
            let files = try SweepReport(results: try SweepRunner.load(source)).write(to: outputDir.map { URL(fileURLWithPath: $0) } ?? source)
            print("sweep report: \(files[0].path)")
        } else {
            let files = try ReportWriter.write(try ReportWriter.load(source),
                                               to: outputDir.map { URL(fileURLWithPath: $0) } ?? source.deletingLastPathComponent())
            print("report: \(files[0].path)")
        }
    }

    /// Runs one experiment, prints its table, and turns a failure into the exit status.
    static func finish(_ launch: RunLaunch) async throws -> ExperimentResults {
        switch await launch.execute() {
        case .success(let results):
            print(ResultsTable.render(results))
            print("results: \(launch.output.appendingPathComponent("results.json").path)")
            return results
        case .failure(is CancellationError):
            let message = "bandwidth-experiment: interrupted; every process and relay it started is stopped "
                + "and its databases are dropped (logs: \(launch.logs.path))\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExperimentExit.interrupted
        case .failure(let error):
            FileHandle.standardError.write(Data("bandwidth-experiment: error: \(error)\nlogs: \(launch.logs.path)\n".utf8))
            throw ExperimentExit.failed
        }
    }
}

/// How a run ended other than well, already reported on standard error: the command exits with
/// `status`.
public enum ExperimentExit: Error, Sendable {
    case failed, interrupted

    /// 1 after an error; 130 after an interrupt, as a shell reports SIGINT.
    public var status: Int32 {
        switch self {
        case .failed: 1
        case .interrupted: 130
        }
    }
}
