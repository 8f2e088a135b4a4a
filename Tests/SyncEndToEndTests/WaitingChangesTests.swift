import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import Primitives
import TestSupport
import Testing

/// Updates that reach the consumer before their record (its create was dead-lettered, or is
/// replayed later): they wait in the consumer DB, are applied in version order when the record
/// comes, and are dead-lettered with that reason when it never does.
@Suite(.serialized) struct WaitingChangesTests {
    let logger = Logger(label: "leafsync.tests.waiting")
    /// How long a step may take: a message's way through the MongoDB-compatible server took
    /// over 30 s once in CI, beside the parallel suite's long multi-process tests.
    static let wait: Duration = .seconds(90)

    @Test(arguments: [TestStore.postgres, .mongo])
    func anUpdateBeforeItsCreateWaitsThenAppliesOrExpires(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            // Ordering first, with a timeout no busy machine reaches: a short one here expired
            // version 5 before 4 came once in CI. The expiry part below restarts with a short one.
            try await cluster.startConsumer(["--waiting-timeout-seconds", "3600"])
            let potato = cluster.topicPrefix + "potato"
            let record = Image(id: 7, cameraID: 3, data: [0xFF, 0xD8, 0xFF, 0xD9], gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2),
                               createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000), updatedAt: nil)
            func update(_ id: Int64, _ version: Int64, _ patch: ImagePatch) -> KafkaOutgoingMessage {
                KafkaOutgoingMessage(topic: potato, key: Array(String(id).utf8), value: ChangeEvent(
                    op: .update, plant: .potato, imageID: id, version: version, occurredAt: 1, payload: .patch(patch)).envelope)
            }
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: logger)
            func metrics() async throws -> String {
                String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            }

            // Version 2 first: it waits, and says so.
            _ = try await producer.send([update(7, 2, ImagePatch(disease: "Late Blight", updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_002_000)))])
            _ = try await eventually("one waiting change", timeout: Self.wait) {
                PrometheusText(try await metrics()).sum("consumer_waiting_changes") == 1 ? true : nil
            }
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/potato/7").status == 404)

            // The create and version 3 come together: 2 goes between them.
            _ = try await producer.send([
                KafkaOutgoingMessage(topic: potato, key: Array("7".utf8), value: ChangeEvent(created: record, plant: .potato, occurredAt: 1).envelope),
                update(7, 3, ImagePatch(isActive: true, updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_003_000))),
            ])
            let body = try await eventually("image 7 at version 3", timeout: Self.wait) { () async throws -> String? in
                let (status, body) = try await cluster.consumerClient.request("GET", "/image-plant/potato/7")
                let text = String(decoding: body, as: UTF8.self)
                return status == 200 && text.contains(#""is_active":true"#) ? text : nil
            }
            #expect(body.contains(#""disease":"Late Blight""#), "\(body)")
            let replica = try TestStore.client(url: cluster.consumerURL, logger: logger)
            #expect(try await replica.replicaStates(plant: .potato, ids: [7])[7]?.version == 3)
            #expect(try await replica.waitingSummary().count == 0)
            await replica.close()

            // Version 5 before 4: it waits for 4, then both apply.
            _ = try await producer.send([update(7, 5, ImagePatch(cameraID: 55, updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_005_000)))])
            _ = try await eventually("version 5 waiting", timeout: Self.wait) {
                PrometheusText(try await metrics()).sum("consumer_waiting_changes") == 1 ? true : nil
            }
            _ = try await producer.send([update(7, 4, ImagePatch(percentage: 0.5, updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_004_000)))])
            let patched = try await eventually("image 7 at version 5", timeout: Self.wait) { () async throws -> String? in
                let text = String(decoding: try await cluster.consumerClient.request("GET", "/image-plant/potato/7").body, as: UTF8.self)
                return text.contains(#""camera_id":55"#) ? text : nil
            }
            #expect(patched.contains(#""percentage":0.5"#) && patched.contains(#""is_active":true"#), "\(patched)")

            // An update whose record never comes, and one whose previous version never comes:
            // dead-lettered after the timeout, each with why.
            cluster.consumer?.signal(SIGTERM)
            #expect(try await cluster.consumer?.waitForExit() == 0)
            try await cluster.startConsumer(["--waiting-timeout-seconds", "3"])
            let orphan = update(8, 2, ImagePatch(isDeleted: true, updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_004_000)))
            let afterGap = update(7, 7, ImagePatch(isDeleted: true, updatedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_007_000)))
            _ = try await producer.send([orphan, afterGap])
            await producer.close()
            let letters = try await DeadLetterTests().readDeadLetters(cluster, count: 2)
            let reasons = Dictionary(letters.map { ($0.value ?? [], $0.header(DeadLetterHeader.reason) ?? "") }) { first, _ in first }
            #expect(letters.count == 2 && Set(reasons.keys) == [orphan.value ?? [], afterGap.value ?? []])
            let orphanReason = reasons[orphan.value ?? []] ?? ""
            #expect(orphanReason.contains("image 8 version 2") && orphanReason.contains("for its record, which never arrived"), "\(orphanReason)")
            let gapReason = reasons[afterGap.value ?? []] ?? ""
            #expect(gapReason.contains("for version 6, which never arrived (the consumer DB holds version 5)"), "\(gapReason)")
            #expect(letters.allSatisfy { $0.header(DeadLetterHeader.topic) == potato })
            _ = try await eventually("no waiting change", timeout: Self.wait) {
                PrometheusText(try await metrics()).sum("consumer_waiting_changes") == 0 ? true : nil
            }
            let text = try await metrics()
            // Counted since the restart: the orphan and the one after the gap.
            #expect(PrometheusText(text).sum("consumer_events_waiting_total", ["op": "update"]) == 2)
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/potato/8").status == 404)
            #expect(try await cluster.consumerClient.request("GET", "/ready").status == 200)
        }
    }
}

/// The waiting timeout and the offset gap grace are bounded options: an absurd value is refused
/// at startup, with why (a gap grace of 0 is legal: gaps accepted at once).
@Test(arguments: ["0", "2592001", "9223372036854775807", "-1", "soon"].map { ("waiting-timeout-seconds", $0, "waiting") }
    + ["-1", "3600001", "9223372036854775807", "soon", ""].map { ("offset-gap-grace-ms", $0, "offset gap grace") })
func anAbsurdConsumerBoundIsRefusedAtStartup(option: String, value: String, reason: String) async throws {
    let process = try ServiceProcess("consumer", ["--store-url", "postgres://app@127.0.0.1:1/none", "--kafka-brokers", "127.0.0.1:1",
                                                  "--port", "0", "--\(option)=\(value)"])
    let status = try await process.waitForExit()
    #expect(status == 64, "\(process.log)")
    #expect(process.log.contains(reason) || process.log.contains(option), "\(process.log)")
}
