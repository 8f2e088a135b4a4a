import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import Postgres
import StreamSync
import TestSupport
import Testing

/// A record the consumer DB refuses for good (a constraint an operator added) does not stop a
/// bootstrap: it is left out with the database's reason, every other record is copied, and
/// the bootstrap finishes and hands the group over; a write the database fails is tried again.
/// In process, on the real databases and broker.
@Suite struct BootstrapRefusalTests {
    static let logger = Logger(label: "leafsync.tests.bootstrap-refusal")
    /// Pages of 8 records.
    static let pageBytes = 8 * (4 + EventLimits.maxFieldBytes)

    @Test(arguments: [TestStore.postgres, .mongo])
    func aRecordTheConsumerDBRefusesIsLeftOutAndTheRestCopied(store: TestStore) async throws {
        let refusedIDs: [Plant: Int64] = [.potato: 7, .tomato: 30]
        try await withThirtyRecordsPerPlant(store, camera: { plant, id in refusedIDs[plant] == id ? 666 : id }) { cluster, bootstrap in
            try await store.refuseImages(withCamera: 666, url: cluster.consumerURL)
            // A refused record mid-page (potato 7) and last of the last page (tomato 30).
            let state = try await bootstrap(cluster.groupID, ConsumerBootstrap.Settings(pageBytes: Self.pageBytes, progressInterval: .seconds(60))).run()
            #expect(state.finishedAt != nil)
            #expect(state.copied == 88 && state.refused == 2 && state.total == 90)
            let consumer = try TestStore.client(url: cluster.consumerURL)
            defer { Task { await consumer.close() } }
            for progress in state.plants {
                let expected = refusedIDs[progress.plant].map { [$0] } ?? []
                #expect(progress.refusals?.map(\.imageID) ?? [] == expected, "\(progress.plant)")
                #expect(progress.refusals?.allSatisfy { !$0.reason.isEmpty } ?? true, "the database's reason: \(progress.refusals ?? [])")
                let ids = try await consumer.replicaStates(plant: progress.plant, ids: Array(1...30)).keys.sorted()
                #expect(ids == Array(1...30).filter { !expected.contains($0) }, "\(progress.plant)")
            }
            // Stored as it was returned: a consumer of the group starts streaming.
            let stored = try BootstrapState(text: try #require(try await consumer.bootstrapState(group: cluster.groupID)))
            #expect(stored == state)
        }
    }

    /// A write the database fails (here a deadlock, as one with the stream's writes would be)
    /// is tried again: the bootstrap finishes. One failing past the tries stops it with the
    /// database's error instead of trying for ever.
    @Test func aFailedWriteIsTriedAgainAndOneFailingPastTheTriesStopsTheBootstrap() async throws {
        try await withThirtyRecordsPerPlant(.postgres, camera: { $1 }) { cluster, bootstrap in
            let pool = try PostgresPool(url: cluster.consumerURL, size: 1, logger: Self.logger)
            defer { Task { await pool.close() } }
            try await pool.withConnection { connection in
                _ = try connection.query("CREATE SEQUENCE write_failures")
                _ = try connection.query("CREATE TABLE failing (until bigint NOT NULL)")
                _ = try connection.query("INSERT INTO failing VALUES (2)")
                _ = try connection.query("""
                    CREATE FUNCTION fail_writes() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF nextval('write_failures') <= (SELECT until FROM failing) THEN
                            RAISE EXCEPTION 'deadlock detected (a test trigger)' USING ERRCODE = '40P01';
                        END IF;
                        RETURN NULL;
                    END $$
                    """)
                _ = try connection.query("CREATE TRIGGER fail_writes BEFORE INSERT ON images FOR EACH STATEMENT EXECUTE FUNCTION fail_writes()")
            }
            let settings = ConsumerBootstrap.Settings(pageBytes: Self.pageBytes, progressInterval: .seconds(60), failureAttempts: 3)
            let writes = { try await pool.withConnection { try $0.query("SELECT last_value FROM write_failures").scalar(Int64.self) } }
            let state = try await bootstrap(cluster.groupID, settings).run()
            #expect(state.finishedAt != nil && state.copied == 90)
            let afterFirst = try await writes()
            #expect(afterFirst > 2, "two failed tries, then the pages")

            try await pool.withConnection { _ = try $0.query("UPDATE failing SET until = 1000000") }
            await #expect {
                _ = try await bootstrap(cluster.groupID + "-again", settings).run()
            } throws: { error in
                (error as? ImageError)?.code == .storeFailure && "\(error)".contains("deadlock detected")
            }
            #expect(try await writes() == afterFirst + 3, "three tries of the first page")
        }
    }

    /// A producer DB of 30 records per plant (`camera` chooses each one's camera), an empty
    /// consumer DB and the topics; `body` gets a maker of bootstraps by group and settings.
    private func withThirtyRecordsPerPlant(
        _ store: TestStore, camera: @escaping (Plant, Int64) -> Int64,
        _ body: (SyncCluster, (String, ConsumerBootstrap.Settings) -> ConsumerBootstrap) async throws -> Void
    ) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            let producer = try TestStore.client(url: cluster.producerURL)
            let consumer = try TestStore.client(url: cluster.consumerURL)
            defer { Task { await producer.close(); await consumer.close() } }
            try await producer.migrate()
            try await consumer.migrate()
            for plant in Plant.allCases {
                try await producer.insert(plant: plant, (1...30).map { id in
                    Image.make(id: id, cameraID: camera(plant, id), data: [0xFF, 0xD8, 0xFF, 0xD9])
                })
            }
            let topics = SyncTopics(prefix: cluster.topicPrefix, deadLetter: cluster.topicPrefix + "dead-letter")
            let kafka = KafkaConfiguration(bootstrapServers: [cluster.brokers])
            try await KafkaAdmin(configuration: kafka, logger: Self.logger)
                .createTopics(topics.plantTopics.map { KafkaNewTopic(name: $0, partitions: 3) })
            try await body(cluster) { group, settings in
                ConsumerBootstrap(producer: producer, replica: consumer, kafka: kafka, groupID: group, topics: topics,
                                  settings: settings, logger: Self.logger)
            }
        }
    }
}
