import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import StreamSync
import Synchronization
import TestSupport
import Testing

/// A consumer DB added to a live system: `consumer bootstrap` copies the producer DB while
/// image-api takes creates, updates and deletes, is SIGKILLed a third of the way, resumes where
/// its progress stood, hands the group to the stream, and the consumer DB ends equal to the
/// producer DB with every change made meanwhile. The real executables, broker and databases.
@Suite(.serialized) struct BootstrapTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func aBootstrapKilledHalfwayUnderWritesResumesAndEndsEqual(store: TestStore) async throws {
        // The MongoDB-compatible server takes tens of writes a second, not hundreds. The rate
        // limits make the first run last ~10 s, so that it is killed well before its end.
        let (perPlant, rate, lanes, pause) = store == .postgres ? (1000, 300, 8, Duration.zero) : (300, 100, 2, .milliseconds(100))
        try await SyncCluster.with(producer: store, consumer: store, long: true) { cluster in
            let producer = try TestStore.client(url: cluster.producerURL)
            let consumer = try TestStore.client(url: cluster.consumerURL)
            defer { Task { await producer.close(); await consumer.close() } }
            try await producer.migrate()
            for plant in Plant.allCases {
                let data = (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                try await producer.insert(plant: plant, (1...Int64(perPlant)).map { Image.make(id: $0, cameraID: $0, data: data) })
            }
            try await cluster.startAPI()
            let writers = Writers(client: cluster.apiClient, perPlant: perPlant, lanes: lanes, pause: pause)
            let writing = Task { await writers.run() }
            defer { writers.stop() }

            let arguments = ["bootstrap", "--producer-url", cluster.producerURL, "--store-url", cluster.consumerURL, "--group-id", cluster.groupID,
                             "--port", "0", "--log-level", "info", "--page-bytes", "1048576", "--progress-interval", "0.5"] + cluster.kafkaArguments
            let started = ContinuousClock.now
            let writesBefore = writers.acknowledged
            let first = try ServiceProcess("consumer", arguments + ["--max-records-per-second", "\(rate)"])
            let metrics = ServiceClient(port: try await first.listeningPort())
            _ = try await eventually("the bootstrap's metrics", timeout: .seconds(60)) { () async throws -> Bool? in
                String(decoding: try await metrics.request("GET", "/metrics").body, as: UTF8.self).contains("bootstrap_records_copied_total") ? true : nil
            }
            let total = Int64(3 * perPlant)
            _ = try await eventually("a third of the records copied", timeout: .seconds(120)) { () async throws -> Bool? in
                guard first.process.isRunning else { throw TestFailure("the bootstrap ended before it was killed:\n\(first.log)") }
                guard let text = try await consumer.bootstrapState(group: cluster.groupID) else { return nil }
                return try BootstrapState(text: text).copied >= total / 3 ? true : nil
            }
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            let killed = try BootstrapState(text: try #require(try await consumer.bootstrapState(group: cluster.groupID)))
            #expect(killed.finishedAt == nil && killed.copied < killed.total, "killed halfway: \(killed.copied) of \(killed.total)")
            #expect(first.log.contains("bootstrap progress") && first.log.contains("bootstrap.eta="), "progress on the terminal:\n\(first.log)")

            // A consumer started now serves, but joins the group only once the bootstrap is finished.
            try await cluster.startConsumer()
            _ = try await eventually("the consumer waiting for the bootstrap", timeout: .seconds(60)) { () async throws -> Bool? in
                let (status, body) = try await cluster.consumerClient.request("GET", "/ready")
                return status == 503 && String(decoding: body, as: UTF8.self).contains("bootstrap") ? true : nil
            }

            let second = try ServiceProcess("consumer", arguments)
            let status = try await second.waitForExit(timeout: .seconds(300))
            #expect(status == 0, "\(second.log)")
            #expect(second.log.contains("resuming bootstrap") && second.log.contains("bootstrap.copied=\(killed.copied) "),
                    "resumed at \(killed.copied):\n\(second.log)")
            let finished = try BootstrapState(text: try #require(try await consumer.bootstrapState(group: cluster.groupID)))
            #expect(finished.finishedAt != nil && finished.positions == killed.positions)
            #expect(finished.copied >= total, "every record copied once at least: \(finished.copied)")
            let duringBootstrap = writers.acknowledged - writesBefore
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            print("bootstrap on \(store): \(finished.copied) records; \(duringBootstrap) changes acknowledged meanwhile "
                + "(\(Int(Double(duringBootstrap) / max(seconds, 1))) changes/s)")
            #expect(duringBootstrap > 0)
            let committed = try await KafkaGroupOffsets.committed(finished.offsets.map(\.topicPartition), groupID: cluster.groupID,
                                                                  configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]),
                                                                  timeout: .seconds(20), logger: Logger(label: "leafsync.tests.bootstrap"))
            #expect(Set(committed) == Set(finished.offsets), "the group starts at the positions recorded before the copy")

            // The stream takes over; a second bootstrap has nothing to do.
            _ = try await eventually("the consumer ready", timeout: .seconds(60)) { () async throws -> Bool? in
                try await cluster.consumerClient.request("GET", "/ready").status == 200 ? true : nil
            }
            #expect(cluster.consumer?.log.contains("waiting for the bootstrap") == true)
            writers.stop()
            _ = await writing.result
            let again = try ServiceProcess("consumer", arguments)
            #expect(try await again.waitForExit(timeout: .seconds(120)) == 0 && again.log.contains("already finished"), "\(again.log)")
            try await cluster.waitUntilInSync(timeout: .seconds(180))
        }
    }
}
