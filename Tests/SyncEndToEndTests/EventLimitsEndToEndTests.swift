import Foundation
import ImageModel
import Kafka
import Logging
import Primitives
import TestSupport
import Testing

/// The limits of `EventLimits` on the real broker: the largest JPEG the API accepts passes every
/// hop (relay, topic, legacy mirror, consumer); one byte more is refused before anything is written.
@Suite(.serialized) struct EventLimitsEndToEndTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func theLargestJPEGFlowsEndToEndAndALargerOneIsRefused(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startAPI(["--legacy-topic-prefix", cluster.topicPrefix + "legacy-"])
            try await cluster.startConsumer()
            func create(_ plant: String, jpegBytes: Int) async throws -> (status: Int, body: String) {
                let hex = "ffd8" + String(repeating: "a5", count: jpegBytes - 4) + "ffd9"
                let (status, body) = try await cluster.apiClient.request("PUT", "/image-plant/\(plant)",
                                                                       json: #"{"camera_id":1,"gps_coordinates":[1.5,2.5],"data":"\#(hex)"}"#)
                return (status, String(decoding: body, as: UTF8.self))
            }
            let tooLarge = try await create("potato", jpegBytes: EventLimits.maxImageBytes + 1)
            #expect(tooLarge.status == 413 && tooLarge.body.contains(#""detail""#) && tooLarge.body.contains("\(EventLimits.maxImageBytes)"),
                    "\(tooLarge.status) \(tooLarge.body)")
            #expect(try await create("potato", jpegBytes: EventLimits.maxImageBytes).status == 200)
            #expect(try await create("tomato", jpegBytes: 1000).status == 200)
            // A change made after the largest create, of another plant, arrives too.
            #expect(try await cluster.apiClient.request("POST", "/image-plant/tomato", json: #"{"id":1,"disease":"Leaf Mold"}"#).status == 200)
            try await cluster.waitUntilInSync()
            let total = try await cluster.apiClient.request("GET", "/image-plant/potato/total")
            let count = try JSONSerialization.jsonObject(with: total.body) as? [String: Any]
            #expect(count?["total_images"] as? Int == 1, "the refused create wrote nothing: \(String(decoding: total.body, as: UTF8.self))")
            // Both formats went out: the legacy mirror carries the whole record too.
            let metrics = String(decoding: try await cluster.apiClient.request("GET", "/metrics").body, as: UTF8.self)
            #expect(PrometheusText(metrics).sum("image_api_image", ["format": "legacy"]) == 3, "two creates and an update")
            // The topics were created with room for it.
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: Logger(label: "test"))
            let configs = try await admin.topicConfigs([cluster.topicPrefix + "potato", cluster.topicPrefix + "legacy-potato"])
            for topic in configs.keys { #expect(configs[topic]?["max.message.bytes"] == String(EventLimits.maxMessageBytes), "\(topic)") }
            #expect(configs.count == 2)
        }
    }
}
