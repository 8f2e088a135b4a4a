import Foundation
import ImageModel
import Kafka
import Logging
import Primitives
import TestSupport
import Testing

/// Events no retry could publish are parked in the producer DB, their record's later events
/// wait behind them, every other record flows on; `image-api parked` shows, retries and
/// discards them. Against the real broker, whose limits the relay learns at startup.
@Suite(.serialized) struct ParkingTests {
    /// Creates a `plant` image with a JPEG of `jpegBytes` through image-api.
    static func create(_ cluster: SyncCluster, _ plant: Plant, jpegBytes: Int) async throws {
        let hex = "ffd8" + String(repeating: "5a", count: jpegBytes - 4) + "ffd9"
        let (status, body) = try await cluster.apiClient.request("PUT", "/image-plant/\(plant.rawValue)",
                                                               json: #"{"camera_id":3,"gps_coordinates":[10.5,20.5],"data":"\#(hex)"}"#)
        guard status == 200 else { throw TestFailure("create \(plant) → \(status) \(String(decoding: body, as: UTF8.self))") }
    }

    static func parkedGauge(_ cluster: SyncCluster) async throws -> Double {
        let metrics = String(decoding: try await cluster.apiClient.request("GET", "/metrics").body, as: UTF8.self)
        return PrometheusText(metrics).sum("image_api_outbox_parked_events")
    }

    /// Runs `image-api parked ARGUMENTS` on the producer DB to its end.
    static func parked(_ cluster: SyncCluster, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ServiceProcess("image-api", ["parked"] + arguments + ["--store-url", cluster.producerURL])
        let status = try await process.waitForExit()
        return (status, process.log)
    }

    @Test(arguments: [TestStore.postgres, .mongo])
    func anEventTooLargeForTheProducerIsParkedWithItsRecordAndPublishedInOrderOnceRetried(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startAPI(["--kafka-property", "message.max.bytes=30000"])
            try await cluster.startConsumer()
            try await Self.create(cluster, .potato, jpegBytes: 40_000)
            #expect(try await cluster.apiClient.request("POST", "/image-plant/potato", json: #"{"id":1,"disease":"Early Blight","percentage":0.7}"#).status == 200)
            try await Self.create(cluster, .tomato, jpegBytes: 1000)
            #expect(try await cluster.apiClient.request("POST", "/image-plant/tomato", json: #"{"id":1,"disease":"Leaf Mold"}"#).status == 200)
            // Other records flow; the parked record waits whole.
            _ = try await eventually("tomato 1 updated on the consumer", timeout: .seconds(60)) { () async throws -> Bool? in
                let (status, body) = try await cluster.consumerClient.request("GET", "/image-plant/tomato/1")
                return status == 200 && String(decoding: body, as: UTF8.self).contains("Leaf Mold") ? true : nil
            }
            _ = try await eventually("2 events parked", timeout: .seconds(60)) { try await Self.parkedGauge(cluster) == 2 ? true : nil }
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/potato/1").status == 404)
            #expect(cluster.api?.log.contains("change event parked: it can never be published") == true)

            let list = try await Self.parked(cluster, ["list"])
            #expect(list.status == 0)
            #expect(list.output.contains("potato 1 version 1 create") && list.output.contains("message.max.bytes of 30000"), "\(list.output)")
            // Behind version 1 (when both were in one batch) or behind "an earlier version".
            #expect(list.output.contains("potato 1 version 2 update") && list.output.contains("of potato image 1, which is parked"), "\(list.output)")
            #expect(try await Self.parked(cluster, ["retry"]).status != 0, "retry names its events or says --all")

            // The limit raised: the retried events go out in order and the databases end equal.
            cluster.api?.signal(SIGTERM)
            #expect(try await cluster.api?.waitForExit() == 0)
            let retry = try await Self.parked(cluster, ["retry", "--all"])
            #expect(retry.status == 0 && retry.output.contains("2 parked event(s) moved back"), "\(retry.output)")
            try await cluster.startAPI()
            try await cluster.waitUntilInSync()
            _ = try await eventually("nothing parked", timeout: .seconds(60)) { try await Self.parkedGauge(cluster) == 0 ? true : nil }
        }
    }

    @Test func anEventTooLargeForItsTopicIsParkedAndARetryThatStillCannotParksItAgain() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres) { cluster in
            let pepper = cluster.topicPrefix + "pepper"
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: Logger(label: "test"))
            try await admin.createTopics([KafkaNewTopic(name: pepper, partitions: 1, configs: ["max.message.bytes": "10000"])])
            try await cluster.startAPI()
            try await cluster.startConsumer()
            #expect(cluster.api?.log.contains("topic accepts messages smaller than the largest change event") == true)
            try await Self.create(cluster, .pepper, jpegBytes: 15_000)
            try await Self.create(cluster, .potato, jpegBytes: 15_000)
            _ = try await eventually("potato 1 on the consumer", timeout: .seconds(60)) { () async throws -> Bool? in
                try await cluster.consumerClient.request("GET", "/image-plant/potato/1").status == 200 ? true : nil
            }
            _ = try await eventually("pepper 1 parked", timeout: .seconds(60)) { try await Self.parkedGauge(cluster) == 1 ? true : nil }
            let reason = "max.message.bytes of 10000 of topic \(pepper)"
            #expect(try await Self.parked(cluster, ["list", "--plant", "pepper"]).output.contains(reason))

            let retry = try await Self.parked(cluster, ["retry", "--plant", "pepper", "--id", "1"])
            #expect(retry.output.contains("1 parked event(s) moved back"), "\(retry.output)")
            _ = try await eventually("pepper 1 parked again", timeout: .seconds(60)) { () async throws -> Bool? in
                let list = try await Self.parked(cluster, ["list"])
                return list.output.contains(reason) && list.output.contains("1 parked in all") ? true : nil
            }
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/pepper/1").status == 404)
            let discard = try await Self.parked(cluster, ["discard", "--plant", "pepper"])
            #expect(discard.output.contains("1 parked event(s) discarded"), "\(discard.output)")
            _ = try await eventually("nothing parked", timeout: .seconds(60)) { try await Self.parkedGauge(cluster) == 0 ? true : nil }
        }
    }
}
