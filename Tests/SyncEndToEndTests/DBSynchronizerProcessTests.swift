import Foundation
import ImageModel
import ImageStores
import Logging
import Primitives
import SeedData
import StoreVerification
import TestSupport
import Testing

/// The real `db-synchronizer` executable as a process between fresh databases: it copies at
/// startup and shows it in `/job/status` and `/metrics`; SIGKILLed mid-run, it stores no
/// watermark, and restarted, it completes the copy.
@Suite(.serialized) struct DBSynchronizerProcessTests {
    static let logger: Logger = {
        var logger = Logger(label: "leafsync.tests.db-synchronizer")
        logger.logLevel = .warning
        return logger
    }()

    /// Fresh producer and consumer databases, the producer seeded with `perPlant` records.
    static func withDatabases(producer: TestStore, consumer: TestStore, perPlant: Int,
                              _ body: (_ producerURL: String, _ consumerURL: String, _ comparison: StoreComparison) async throws -> Void) async throws {
        try await producer.withFreshURL { producerURL, _ in
            try await consumer.withFreshURL { consumerURL, _ in
                let producerDB = try TestStore.client(url: producerURL, logger: logger)
                let consumerDB = try TestStore.client(url: consumerURL, logger: logger)
                defer { Task { await producerDB.close(); await consumerDB.close() } }
                try await producerDB.migrate()
                let seeds = SeedImages(jpegs: try LeafJPEGs(), seed: 3)
                for plant in Plant.allCases {
                    try await producerDB.insert(plant: plant, seeds.images(plant: plant, count: perPlant, now: .now()))
                }
                try await body(producerURL, consumerURL, StoreComparison(producer: producerDB, consumer: consumerDB, logger: logger))
            }
        }
    }

    static func start(_ producerURL: String, _ consumerURL: String, _ extra: [String] = []) throws -> ServiceProcess {
        try ServiceProcess("db-synchronizer", ["--producer-url", producerURL, "--consumer-url", consumerURL, "--port", "0",
                                               "--log-level", "info", "--store-deadline", "10"] + extra)
    }

    /// The value of the series of `name` with exactly `labels` in a `/metrics` answer, nil if absent.
    static func value(of name: String, _ labels: [String: String], in client: ServiceClient) async throws -> Double? {
        let text = PrometheusText(String(decoding: try await client.request("GET", "/metrics").body, as: UTF8.self))
        return text.series(name, labels).first { $0.labels == labels }?.value
    }

    @Test func itCopiesAtStartupAndShowsItInStatusAndMetrics() async throws {
        try await Self.withDatabases(producer: .postgres, consumer: .mongo, perPlant: 20) { producerURL, consumerURL, comparison in
            let process = try Self.start(producerURL, consumerURL, ["--mode", "full", "--page-size", "7"])
            defer { process.signal(SIGKILL) }
            let client = ServiceClient(port: try await process.listeningPort())
            let summary = try await eventually("a successful run in /job/status", timeout: .seconds(60)) { () async throws -> String? in
                let status = try JSONSerialization.jsonObject(with: try await client.request("GET", "/job/status").body) as? [String: Any]
                let task = ((status?["jobs"] as? [[String: Any]])?.first?["tasks"] as? [[String: Any]])?.first
                return (task?["successes"] as? Int ?? 0) >= 1 ? (task?["last_run"] as? [String: Any])?["summary"] as? String : nil
            }
            #expect(summary.hasPrefix("full of every record: read 60, wrote 60, applied 60 records"), "\(summary)")
            #expect(try await Self.value(of: "db_synchronization_job_image", ["plant": "potato"], in: client) == 20)
            #expect(try await Self.value(of: "db_synchronization_job_runs_total", ["mode": "full", "outcome": "success"], in: client) == 1)
            // Every record was new to the consumer DB: each has its staleness.
            #expect(try await Self.value(of: "db_synchronization_job_staleness_seconds_count", ["mode": "full"], in: client) == 60)
            #expect(try await (Self.value(of: "db_synchronization_job_image_size", ["plant": "tomato"], in: client) ?? 0) > 20 * 2 * 10_000)
            #expect(try await client.request("GET", "/ready").status == 200)
            #expect(try await comparison.compare().isEqual)

            process.signal(SIGTERM)
            #expect(try await process.waitForExit() == 0)
        }
    }

    /// A process whose first (incremental) run is under way: one record per page makes a bulk
    /// write per record, and it has done ten.
    static func startMidRun(_ producerURL: String, _ consumerURL: String) async throws -> (ServiceProcess, ServiceClient) {
        let process = try start(producerURL, consumerURL, ["--page-size", "1"])
        let client = ServiceClient(port: try await process.listeningPort())
        _ = try await eventually("records written", timeout: .seconds(60)) {
            try await (value(of: "db_synchronization_job_records_written_total", ["mode": "incremental"], in: client) ?? 0) >= 10 ? true : nil
        }
        return (process, client)
    }

    /// Waits until one incremental run ended with `outcome`.
    static func waitForRun(_ outcome: String, _ client: ServiceClient) async throws {
        _ = try await eventually("a run with outcome \(outcome)", timeout: .seconds(120)) {
            try await value(of: "db_synchronization_job_runs_total", ["mode": "incremental", "outcome": outcome], in: client) == 1 ? true : nil
        }
    }

    /// 150 records: the run started again copies them all a record per page from the slow
    /// MongoDB-compatible server (600 took ~90 s of a 120 s limit in CI).
    @Test func stoppedMidRunThroughJobControlItStartsAgainAndCompletes() async throws {
        try await Self.withDatabases(producer: .mongo, consumer: .postgres, perPlant: 50) { producerURL, consumerURL, comparison in
            let (process, client) = try await Self.startMidRun(producerURL, consumerURL)
            defer { process.signal(SIGKILL) }
            #expect(try await client.request("POST", "/job/stop").status == 200)
            try await Self.waitForRun("interrupted", client)
            #expect(try await Self.value(of: "db_synchronization_job_runs_total", ["mode": "incremental", "outcome": "success"], in: client) == 0)

            #expect(try await client.request("POST", "/job/start").status == 200)
            try await Self.waitForRun("success", client)
            #expect(try await comparison.compare().isEqual)
        }
    }

    @Test func killedMidRunItStoresNoWatermarkAndTheRestartCompletesTheCopy() async throws {
        try await Self.withDatabases(producer: .postgres, consumer: .mongo, perPlant: 200) { producerURL, consumerURL, comparison in
            let (first, _) = try await Self.startMidRun(producerURL, consumerURL)
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            #expect(first.log.contains("batch sync run succeeded") == false, "the run ended before the kill: make it longer")

            let consumer = try TestStore.client(url: consumerURL, logger: Self.logger)
            defer { Task { await consumer.close() } }
            #expect(try await consumer.syncWatermark(job: "db-synchronizer") == nil)
            #expect(try await consumer.total(plant: .potato) < 200)

            let second = try Self.start(producerURL, consumerURL, ["--page-size", "50"])
            defer { second.signal(SIGKILL) }
            try await Self.waitForRun("success", ServiceClient(port: try await second.listeningPort()))
            #expect(try await comparison.compare().isEqual)
            #expect(try await consumer.syncWatermark(job: "db-synchronizer") != nil)
        }
    }
}
