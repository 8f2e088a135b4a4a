import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import TestSupport
import Testing

/// `consumer dead-letters list|replay`: a letter whose cause is fixed is replayed through the
/// version guard, releasing the update that waited for it; a second replay is stale.
@Suite(.serialized) struct ReplayTests {
    let logger = Logger(label: "leafsync.tests.replay")

    /// Runs `consumer dead-letters ARGUMENTS` against the cluster to its end.
    static func deadLetters(_ cluster: SyncCluster, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ServiceProcess("consumer", ["dead-letters"] + arguments + cluster.kafkaArguments)
        let status = try await process.waitForExit(timeout: .seconds(90))
        return (status, process.log)
    }

    @Test(arguments: [TestStore.postgres, .mongo])
    func aFixedDeadLetterIsReplayedOnceAndReleasesWhatWaitedForIt(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startConsumer()
            try await store.refuseImages(withCamera: 666, url: cluster.consumerURL)
            let tomato = cluster.topicPrefix + "tomato"
            func create(_ id: Int64, camera: Int64) -> KafkaOutgoingMessage {
                let image = Image(id: id, cameraID: camera, data: [0xFF, 0xD8], gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2),
                                  createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000), updatedAt: nil)
                return KafkaOutgoingMessage(topic: tomato, key: Array(String(id).utf8),
                                            value: ChangeEvent(created: image, plant: .tomato, occurredAt: 1).envelope)
            }
            let update = KafkaOutgoingMessage(topic: tomato, key: Array("5".utf8), value: ChangeEvent(
                op: .update, plant: .tomato, imageID: 5, version: 2, occurredAt: 1,
                payload: .patch(ImagePatch(disease: "Leaf Mold", updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_001_000)))).envelope)
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: logger)
            _ = try await producer.send([create(5, camera: 666), create(6, camera: 6)])
            _ = try await DeadLetterTests().readDeadLetters(cluster, count: 1)
            // The update comes after its create was dead-lettered: it waits for it.
            _ = try await producer.send([update])
            await producer.close()
            let replica = try TestStore.client(url: cluster.consumerURL, logger: logger)
            defer { Task { await replica.close() } }
            _ = try await eventually("the update of tomato 5 waiting", timeout: .seconds(30)) {
                try await replica.waitingSummary().count == 1 ? true : nil
            }
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/tomato/6").status == 200)

            let list = try await Self.deadLetters(cluster, ["list", "--plant", "tomato"])
            #expect(list.status == 0 && list.output.contains("refused") && list.output.contains("1 match, 1 in the dead-letter topic"), "\(list.output)")
            let none = try await Self.deadLetters(cluster, ["list", "--plant", "pepper"])
            #expect(none.output.contains("0 match"), "\(none.output)")
            let letterID = try #require(list.output.split(separator: "\n").first { $0.contains("refused") }?.split(separator: " ").first)
            #expect(try await Self.deadLetters(cluster, ["replay", "--store-url", cluster.consumerURL]).status != 0,
                    "replay names its letters or says --all")

            // Still refused: the replay says why and fails; nothing changes.
            let refused = try await Self.deadLetters(cluster, ["replay", "--letter", String(letterID), "--store-url", cluster.consumerURL])
            #expect(refused.status != 0 && refused.output.contains("rejected 1"), "\(refused.output)")

            // The cause fixed: the create applies, and the update that waited for it with it.
            try await store.acceptImages(withCamera: 666, url: cluster.consumerURL)
            let replayed = try await Self.deadLetters(cluster, ["replay", "--reason", "REFUSED", "--store-url", cluster.consumerURL])
            #expect(replayed.status == 0 && replayed.output.contains("applied 1, stale 0, waiting 0, rejected 0"), "\(replayed.output)")
            let (status, body) = try await cluster.consumerClient.request("GET", "/image-plant/tomato/5")
            #expect(status == 200 && String(decoding: body, as: UTF8.self).contains(#""disease":"Leaf Mold""#))
            #expect(try await replica.replicaStates(plant: .tomato, ids: [5])[5]?.version == 2)
            #expect(try await replica.waitingSummary().count == 0)

            let again = try await Self.deadLetters(cluster, ["replay", "--reason", "refused", "--store-url", cluster.consumerURL])
            #expect(again.status == 0 && again.output.contains("applied 0, stale 1, waiting 0, rejected 0"), "\(again.output)")
            #expect(try await replica.replicaStates(plant: .tomato, ids: [5])[5]?.version == 2)
        }
    }
}
