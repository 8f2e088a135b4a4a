import Foundation
import ImageModel
import Mongo
import Postgres
import TestSupport
import Testing

/// `verify --staleness-allowance` on a live system, with the real executables: while image-api
/// takes writes and the consumer applies them, a live comparison finds nothing; once the
/// consumer DB is damaged (a row deleted, a field changed, a version rolled back, a record the
/// producer never had), `--repair` publishes the producer's records again, and a purge of the
/// foreign one, through the outbox, and the stream mends every difference.
@Suite(.serialized) struct RepairTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func damageUnderLoadIsFoundAndRepairedThroughTheStream(store: TestStore) async throws {
        // The MongoDB-compatible server takes tens of writes a second, the consumer's included:
        // paced writes and a longer allowance there, and a shorter quiet run. The allowances leave
        // room for the lag of a machine busy with the rest of the suite: a record changed longer
        // ago than its allowance and still different is reported at once.
        let (perPlant, lanes, pause, allowance, quiet) = store == .postgres ? (100, 16, Duration.zero, "15", 60) : (30, 2, .milliseconds(300), "20", 20)
        try await SyncCluster.with(producer: store, consumer: store, long: true) { cluster in
            try await cluster.startAPI()
            try await cluster.startConsumer()
            // Records perPlant + 1 of each plant are the ones damaged: no writer changes them.
            try await Workload(client: cluster.apiClient).createImages(perPlant: perPlant + 1)
            try await cluster.waitUntilInSync()
            let writers = Writers(client: cluster.apiClient, perPlant: perPlant, lanes: lanes, pause: pause)
            let writing = Task { await writers.run() }
            defer { writers.stop() }

            let quietStart = ContinuousClock.now
            let before = writers.acknowledged
            var runs = 0
            while ContinuousClock.now - quietStart < .seconds(quiet) {
                let (status, report) = try await Self.verify(cluster, ["--staleness-allowance", allowance])
                #expect(status == 0, "a live comparison without damage found differences:\n\(report)")
                runs += 1
            }
            print("RepairTests \(store): \(runs) live comparisons in \(quiet) s found nothing at \((writers.acknowledged - before) / quiet) changes/s")

            let damagedID = Int64(perPlant + 1)
            try await Self.damage(store, url: cluster.consumerURL, id: damagedID)
            let consumer = try TestStore.client(url: cluster.consumerURL)
            let producer = try TestStore.client(url: cluster.producerURL)
            defer { Task { await consumer.close(); await producer.close() } }
            try await consumer.insert(plant: .potato, [Image.make(id: 9_000_000)])
            let damaged = ContinuousClock.now
            let repairing = try Self.startVerify(cluster, ["--staleness-allowance", allowance, "--repair"])
            // Converged: every damaged record equals the producer's again, the foreign one is gone.
            _ = try await eventually("the damage repaired through the stream", timeout: .seconds(90), every: .milliseconds(100)) { () async throws -> Bool? in
                for plant in Plant.allCases {
                    guard try await consumer.image(plant: plant, id: damagedID) == producer.image(plant: plant, id: damagedID) else { return nil }
                }
                return try await consumer.image(plant: .potato, id: 9_000_000) == nil ? true : nil
            }
            let converged = ContinuousClock.now - damaged
            let status = try await repairing.waitForExit(timeout: .seconds(120))
            let report = repairing.log
            #expect(status == 1, "\(report)")
            let counts = Self.counts(report)
            #expect(counts == ["missing": 1, "different": 2, "extra": 1, "repaired": 4], "\(report)")
            #expect(report.contains("a purge of the consumer's record published"), "\(report)")
            _ = try await eventually("a live comparison finding the databases equal", timeout: .seconds(90)) { () async throws -> Bool? in
                let (status, _) = try await Self.verify(cluster, ["--staleness-allowance", allowance])
                return status == 0 ? true : nil
            }
            print("RepairTests \(store): damage repaired within \(converged) of it, under writes; confirmed equal by verify \(ContinuousClock.now - damaged) after it")
            writers.stop()
            await writing.value
        }
    }

    /// Runs `verify` live against the cluster's databases: its exit status and its output.
    static func verify(_ cluster: SyncCluster, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try startVerify(cluster, arguments)
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.log)
    }

    static func startVerify(_ cluster: SyncCluster, _ arguments: [String]) throws -> ServiceProcess {
        try ServiceProcess("verify", ["--producer-url", cluster.producerURL, "--consumer-url", cluster.consumerURL,
                                      "--log-level", "notice"] + arguments)
    }

    /// The report's counts summed over the plants: `missing`, `extra`, `different`, `repaired`.
    static func counts(_ report: String) -> [String: Int] {
        var counts = ["missing": 0, "extra": 0, "different": 0, "repaired": 0]
        for line in report.split(separator: "\n") where line.contains(": producer ") {
            for key in counts.keys {
                guard let range = line.range(of: "\(key) ") else { continue }
                counts[key]! += Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }
        return counts
    }

    /// Damages record `id` of each plant in the consumer DB behind the sync's back: the potato
    /// deleted, the tomato's camera changed, the pepper's version rolled back by one.
    static func damage(_ store: TestStore, url: String, id: Int64) async throws {
        switch store {
        case .postgres:
            let pool = try PostgresPool(url: url, size: 1, logger: TestStore.logger)
            defer { Task { await pool.close() } }
            _ = try await pool.query("DELETE FROM images WHERE plant = 'potato' AND id = $1", [.int64(id)])
            _ = try await pool.query("UPDATE images SET camera_id = 424242 WHERE plant = 'tomato' AND id = $1", [.int64(id)])
            _ = try await pool.query("UPDATE images SET version = version - 1 WHERE plant = 'pepper' AND id = $1", [.int64(id)])
        case .mongo:
            let pool = try MongoClientPool(url: url, poolSize: 1, serverSelectionTimeoutMS: 20_000, logger: TestStore.logger)
            let database = pool.databaseName ?? ""
            try await pool.withClient { client in
                _ = try client.collection(Plant.potato.collectionName, database: database).deleteMany(["id": .int64(id)])
                _ = try client.collection(Plant.tomato.collectionName, database: database)
                    .updateOne(["id": .int64(id)], ["$set": .document(["camera_id": .int64(424_242)])])
                _ = try client.collection(Plant.pepper.collectionName, database: database)
                    .updateOne(["id": .int64(id)], ["$inc": .document(["version": .int64(-1)])])
            }
            await pool.close()
        }
    }
}

/// An absurd staleness allowance is refused before any database is asked, with exit 2 and why.
@Test(arguments: ["-1", "nan", "inf", "1e300", "315360001", "soon", ""])
func anAbsurdStalenessAllowanceIsRefused(value: String) async throws {
    let nowhere = "postgres://app@127.0.0.1:1/none"
    let process = try ServiceProcess("verify", ["--producer-url", nowhere, "--consumer-url", nowhere, "--store-deadline", "0",
                                                "--staleness-allowance=\(value)", "--repair"])
    let status = try await process.waitForExit()
    #expect(status == 2, "\(process.log)")
    #expect(process.log.contains("staleness") && !process.log.contains("127.0.0.1:1"), "\(process.log)")
}
