import Foundation
import ImageModel
import TestSupport
import Testing

/// Two image-api replicas on one producer DB, one with its clock 90 s behind, take turns
/// updating the same records: `updated_at` still increases with every version, so a consumer
/// of the LIMS legacy topics (which orders by `updated_at`) misses none of the behind one's
/// changes.
@Suite(.serialized) struct ClockSkewTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func aReplicaWithItsClockBehindStillOrdersUpdatedAt(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            let legacy = ["--legacy-topic-prefix", cluster.topicPrefix + "legacy-"]
            try await cluster.startAPI(legacy)
            let behind = try ServiceProcess("image-api", ["--store-url", cluster.producerURL, "--port", "0", "--log-level", "info",
                                                          "--clock-offset-ms=-90000"] + cluster.kafkaArguments + legacy)
            defer { behind.signal(SIGKILL) }
            let clients = [cluster.apiClient, ServiceClient(port: try await behind.listeningPort())]
            try await cluster.startConsumer(["--topic-prefix", cluster.topicPrefix + "legacy-"])
            let workload = Workload(client: cluster.apiClient, seed: 11)
            try await workload.createImages(perPlant: 2)

            var last: [Int: String] = [:]
            for turn in 0..<30 {
                let id = turn % 2 + 1
                let (status, body) = try await clients[turn % 2].request("POST", "/image-plant/tomato",
                                                                         json: #"{"id":\#(id),"camera_id":\#(100 + turn)}"#)
                #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
                let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                let updatedAt = try #require(json["updated_at"] as? String)
                #expect(Timestamp(iso8601: updatedAt) != nil && updatedAt.count == 26, "LIMS format: \(updatedAt)")
                if let previous = last[id] { #expect(updatedAt > previous, "turn \(turn): \(updatedAt) after \(previous)") }
                last[id] = updatedAt
            }
            try await cluster.waitUntilInSync(versions: false)
        }
    }
}
