import Foundation
import Kafka
import Logging
import Testing
import TestSupport

/// The real `bandwidth-experiment --quick` as a process against the real PostgreSQL server,
/// judged from its results.json: correct, ordered as the model says, and measured truly (the
/// relays against librdkafka's statistics on the broker hops and the kernel's on the others);
/// staleness and cost present for every variant, the stream's far below the batch's.
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
    static func runQuick(store: TestStore, _ arguments: [String] = []) async throws -> (status: Int32, output: String, results: [String: Any]?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-bandwidth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("runner.log")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = try startLoggedProcess(binaries.appendingPathComponent("bandwidth-experiment"), [
            "--quick", "--store", store.rawValue, "--\(store.rawValue)-url", try store.serverURL(),
            "--bin-dir", binaries.path, "--output-dir", folder.path,
        ] + arguments, log: log)
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
        var bytes: [String: Int] = [:]
        var deviations: [String: Double] = [:]
        var staleness: [String: [String: Any]] = [:]
        var hops = [json["producer_api_and_outbox"] as? [String: Any] ?? [:]]
        for variant in json["variants"] as? [[String: Any]] ?? [] {
            let name = variant["name"] as? String ?? "?"
            #expect(variant["consumer_db_equal"] as? Bool == true, "\(name)")
            perChange[name] = variant["bytes_per_change"] as? Double
            bytes[name] = variant["bytes"] as? Int
            if let count = variant["independent_count"] as? [String: Any] { deviations[name] = count["deviation"] as? Double }
            staleness[name] = variant["staleness"] as? [String: Any]
            if let batch = variant["batch"] as? [String: Any] {
                // The JPEG once as bytes, against twice as hex: between half and all of the LIMS JSON size.
                let stored = batch["stored_bytes_written"] as? Double ?? 0, hex = batch["bytes_written"] as? Double ?? 0
                #expect(stored > hex / 2 && stored < hex, "\(name): stored \(stored), LIMS JSON \(hex)")
            }
            Self.expectMeasured([variant["cost"] as? [String: Any] ?? [:]], name)
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
        Self.expectMeasured(json["shared_cost"] as? [[String: Any]] ?? [], "shared")
        try Self.expectStreamFresherThanBatch(staleness)
        try Self.expectTimelineEndsAtTheTotals(json["timeline"] as? [[String: Any]] ?? [], bytes: bytes, changes: changes)
    }

    /// The external-broker path against the suite's Tansu, started apart from the runner (it
    /// advertises its own address, as a cluster in compose or Kubernetes does): every broker
    /// connection still passes the relays, which librdkafka's own count confirms, and the run
    /// leaves no topic behind.
    @Test func quickRunOnAnExternalBrokerCountsEveryHopAndLeavesNoTopic() async throws {
        let broker = try #require(try TestKafka.brokers().first)
        let (status, output, results) = try await Self.runQuick(store: .postgres, ["--kafka-brokers", broker])
        try #require(status == 0, "exit \(status):\n\(output)")
        let json = try #require(results, "no results.json:\n\(output)")
        #expect(json["consumer_dbs_equal"] as? Bool == true)
        let parameters = json["parameters"] as? [String: Any] ?? [:]
        #expect(parameters["kafka"] as? String == "external \(broker)")
        for variant in json["variants"] as? [[String: Any]] ?? [] where (variant["name"] as? String)?.hasPrefix("stream") == true {
            let count = try #require(variant["independent_count"] as? [String: Any], "\(variant["name"] ?? "?") has no independent count")
            // Bypassing the relay would leave librdkafka's count far above the relay's.
            #expect((count["deviation"] as? Double ?? 1) < 0.05, "\(variant["name"] ?? "?"): \(count)")
            #expect((variant["bytes_per_change"] as? Double ?? 0) > 0)
        }
        let shared = (json["shared_cost"] as? [[String: Any]] ?? []).compactMap { $0["process"] as? String }
        #expect(shared == ["image-api"], "an external cluster's processes are not the run's to measure: \(shared)")

        let runID = try #require(parameters["run_id"] as? String)
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: [broker], clientID: "bandwidth-tests"),
                                   logger: Logger(label: "leafsync.tests.bandwidth"))
        let left = try await admin.topics().map(\.name).filter { $0.hasPrefix("bwexp-\(runID)-") }
        #expect(left.isEmpty, "the run's topics are still on the broker: \(left)")
    }

    /// Samples through the window, never decreasing, the last one taken with the totals' snapshot.
    static func expectTimelineEndsAtTheTotals(_ timeline: [[String: Any]], bytes: [String: Int], changes: Int) throws {
        #expect(timeline.count > 30, "a 60 s workload sampled every second has only \(timeline.count) samples")
        let last = try #require(timeline.last)
        #expect(last["changes"] as? Int == changes)
        let lastBytes = last["bytes"] as? [String: Int] ?? [:]
        #expect(lastBytes == bytes, "the timeline's last sample \(lastBytes) is not the variants' totals \(bytes)")
        for (earlier, later) in zip(timeline, timeline.dropFirst()) {
            let before = earlier["bytes"] as? [String: Int] ?? [:], after = later["bytes"] as? [String: Int] ?? [:]
            #expect(before.allSatisfy { $0.value <= after[$0.key] ?? 0 } && (earlier["seconds"] as? Double ?? 0) < (later["seconds"] as? Double ?? 0))
        }
    }

    /// Every process of a cost entry used CPU and memory.
    static func expectMeasured(_ processes: [[String: Any]], _ entry: String) {
        #expect(!processes.isEmpty, "\(entry): no cost")
        for process in processes {
            #expect((process["cpu_seconds"] as? Double ?? 0) > 0, "\(entry): \(process)")
            #expect((process["peak_rss_bytes"] as? Int ?? 0) > 0, "\(entry): \(process)")
        }
    }

    /// Each variant's staleness has observations; each stream's p99 is below both batches' p50
    /// (bucket upper bounds: a stream's p99 bound below a batch's p50 bound means below it).
    static func expectStreamFresherThanBatch(_ staleness: [String: [String: Any]]) throws {
        func bound(_ variant: String, _ quantile: String) throws -> Double {
            let figures = try #require(staleness[variant], "\(variant) has no staleness")
            #expect(figures["count"] as? Int ?? 0 > 0, "\(variant): no staleness observed")
            return try #require(figures["\(quantile)_upper_bound_seconds"] as? Double, "\(variant) has no \(quantile): \(figures)")
        }
        for stream in ["stream-envelope", "stream-legacy"] {
            let p99 = try bound(stream, "p99")
            for batch in ["batch-full", "batch-incremental"] {
                let p50 = try bound(batch, "p50")
                #expect(p99 < p50, "\(stream) staleness p99 ≤ \(p99) s is not below \(batch) p50 ≤ \(p50) s")
            }
        }
    }
}
