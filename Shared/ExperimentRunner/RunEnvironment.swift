import ExperimentModel
import Foundation
import Kafka

/// What the results record about the software and the machine a run used.
enum RunEnvironment {
    static func versions(near directory: URL) async -> ExperimentResults.Versions {
        ExperimentResults.Versions(
            gitCommit: output(of: ["git", "-C", directory.path, "rev-parse", "HEAD"]),
            // The services load the same librdkafka: they inherit the runner's LD_LIBRARY_PATH.
            librdkafka: KafkaVersion.currentString,
            swift: output(of: ["swift", "--version"])?.split(separator: "\n").first.map(String.init))
    }

    static func machine() -> ExperimentResults.Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return ExperimentResults.Machine(cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model,
                                         memoryBytes: ProcessInfo.processInfo.physicalMemory)
    }

    /// The trimmed standard output of a command found on PATH, nil when it fails.
    static func output(of command: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
