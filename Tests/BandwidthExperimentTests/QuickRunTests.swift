import Foundation
import Testing
import TestSupport

/// The real `bandwidth-experiment --quick` as a process against the real PostgreSQL server,
/// judged from its results.json: correct, ordered as the model says, and measured truly (the
/// relays against librdkafka's statistics on the broker hops and the kernel's on the others).
@Suite struct QuickRunTests {
    /// The built executables: `LEAFSYNC_BIN_DIR`, else this checkout's `.build/debug`.
    static var binaries: URL {
        if let given = ProcessInfo.processInfo.environment["LEAFSYNC_BIN_DIR"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    /// Runs the quick mode into a fresh folder; returns its exit status, its output and the parsed results.
    static func runQuick(store: TestStore) async throws -> (status: Int32, output: String, results: [String: Any]?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-bandwidth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("runner.log")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("bandwidth-experiment")
        process.arguments = ["--quick", "--store", store.rawValue, "--\(store.rawValue)-url", try store.serverURL(),
                             "--bin-dir", binaries.path, "--output-dir", folder.path]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // The quick mode's budget is 3 minutes; a minute more before calling it hung.
        let status = try await eventually("bandwidth-experiment --quick to finish", timeout: .seconds(240)) {
            process.isRunning ? nil : process.terminationStatus
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let results = (try? Data(contentsOf: folder.appendingPathComponent("results.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (status, output, results)
    }

    @Test func quickRunOnPostgreSQLIsCorrectOrderedAndAgreesWithIndependentCounts() async throws {
        let (status, output, results) = try await Self.runQuick(store: .postgres)
        try #require(status == 0, "exit \(status):\n\(output)")
        let json = try #require(results, "no results.json:\n\(output)")
        #expect(json["consumer_dbs_equal"] as? Bool == true)
        let changes = (json["changes"] as? [String: Any])?["count"] as? Int ?? 0
        #expect(changes > 50, "the quick workload made only \(changes) changes")

        var perChange: [String: Double] = [:]
        var deviations: [String: Double] = [:]
        var hops = [json["producer_api_and_outbox"] as? [String: Any] ?? [:]]
        for variant in json["variants"] as? [[String: Any]] ?? [] {
            let name = variant["name"] as? String ?? "?"
            #expect(variant["consumer_db_equal"] as? Bool == true, "\(name)")
            perChange[name] = variant["bytes_per_change"] as? Double
            if let count = variant["independent_count"] as? [String: Any] { deviations[name] = count["deviation"] as? Double }
            hops += variant["hops"] as? [[String: Any]] ?? []
        }
        // The database hops keep their connections open to the end, so the kernel's socket
        // counters (ss) are a complete second count there.
        for hop in hops where (hop["relay"] as? String)?.hasPrefix("broker") == false {
            let kernel = try #require(hop["kernel_count"] as? [String: Any], "\(hop["relay"] ?? "?") has no kernel count")
            #expect(kernel["connections_closed"] as? Int == 0, "\(hop["relay"] ?? "?")")
            #expect((kernel["deviation"] as? Double ?? 1) < 0.05, "\(hop["relay"] ?? "?"): relay and kernel differ: \(kernel)")
        }
        let envelope = try #require(perChange["stream-envelope"]), legacy = try #require(perChange["stream-legacy"])
        let full = try #require(perChange["batch-full"])
        #expect(envelope < legacy, "bytes per change: envelope \(envelope), legacy \(legacy)")
        #expect(legacy < full, "bytes per change: legacy \(legacy), batch full \(full)")
        for variant in ["stream-envelope", "stream-legacy"] {
            let deviation = try #require(deviations[variant], "\(variant) has no independent count")
            #expect(deviation < 0.05, "\(variant): the broker relay and librdkafka differ by \(deviation * 100)%")
        }
    }
}
