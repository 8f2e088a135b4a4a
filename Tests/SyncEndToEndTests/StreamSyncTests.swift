import Foundation
import ImageModel
import Primitives
import Synchronization
import TestSupport
import Testing

/// End to end through the real broker: `image-api` on the producer DB, `consumer` on the
/// consumer DB, both as real processes.
@Suite(.serialized) struct StreamSyncTests {
    @Test(arguments: [(TestStore.postgres, TestStore.postgres), (.mongo, .mongo), (.mongo, .postgres)])
    func createsUpdatesAndDeletesReachTheConsumer(producer: TestStore, consumer: TestStore) async throws {
        try await SyncCluster.with(producer: producer, consumer: consumer) { cluster in
            try await cluster.startAPI()
            try await cluster.startConsumer()
            let workload = Workload(client: cluster.apiClient)
            try await workload.createImages(perPlant: 5)
            #expect(try await workload.sendChanges(0..<150, perPlant: 5) == 0)
            try await cluster.waitUntilInSync()
            // Every applied change's staleness is split at its producer timestamp; the two parts
            // add up to the time until its batch was polled, so to no more than the staleness
            // (plus up to 1 ms each for the timestamp's millisecond resolution).
            let metrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            let applied = PrometheusText(metrics).sum("consumer_sync_staleness_seconds_count")
            #expect(applied > 15, "15 creates, and the changes that changed something")
            #expect(PrometheusText(metrics).sum("consumer_sync_outbox_delay_seconds_count") == applied)
            #expect(PrometheusText(metrics).sum("consumer_sync_delivery_delay_seconds_count") == applied)
            let parts = PrometheusText(metrics).sum("consumer_sync_outbox_delay_seconds_sum")
                + PrometheusText(metrics).sum("consumer_sync_delivery_delay_seconds_sum")
            #expect(PrometheusText(metrics).sum("consumer_sync_delivery_delay_seconds_sum") > 0)
            #expect(parts <= PrometheusText(metrics).sum("consumer_sync_staleness_seconds_sum") + applied * 0.001)
            // The consumer serves what it applied, in the same JSON as image-api.
            let fromAPI = try await cluster.apiClient.request("GET", "/image-plant/tomato/3")
            let fromConsumer = try await cluster.consumerClient.request("GET", "/image-plant/tomato/3")
            #expect(fromConsumer.status == 200 && fromConsumer.body == fromAPI.body)
            #expect(try await cluster.consumerClient.request("PUT", "/image-plant/tomato", json: "{}").status == 405)
            // SIGTERM: the batch in hand is committed, the group left, exit 0.
            cluster.consumer?.signal(SIGTERM)
            #expect(try await cluster.consumer?.waitForExit(timeout: .seconds(15)) == 0)
            #expect(cluster.consumer?.log.contains("offsets committed, group left") == true)
        }
    }

    @Test(arguments: [TestStore.postgres, .mongo])
    func theLegacyMirrorCarriesEveryChangeAsAWholeRecord(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            let legacyPrefix = cluster.topicPrefix + "legacy-"
            try await cluster.startAPI(["--legacy-topic-prefix", legacyPrefix])
            // A consumer of the legacy topics only: the last --topic-prefix wins.
            try await cluster.startConsumer(["--topic-prefix", legacyPrefix])
            let workload = Workload(client: cluster.apiClient, seed: 3)
            try await workload.createImages(perPlant: 4)
            #expect(try await workload.sendChanges(0..<60, perPlant: 4) == 0)
            try await cluster.waitUntilInSync(versions: false)
            let consumerMetrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            #expect(PrometheusText(consumerMetrics).sum("consumer_events_applied_total", ["op": "legacy"]) > 0)
            #expect(PrometheusText(consumerMetrics).sum("consumer_events_applied_total", ["op": "update"]) == 0)
            // Every change went out twice; the whole record costs more than the changed fields.
            let apiMetrics = String(decoding: try await cluster.apiClient.request("GET", "/metrics").body, as: UTF8.self)
            let envelopes = PrometheusText(apiMetrics).sum("image_api_image", ["format": "envelope"])
            #expect(envelopes > 12, "12 creates, and changes (those that changed nothing send nothing)")
            let legacy = PrometheusText(apiMetrics).sum("image_api_image", ["format": "legacy"])
            #expect(legacy == envelopes)
            // Each legacy message is a whole record with its 2,048-byte JPEG as hex; an update's
            // envelope holds only the changed fields. (Totals compare by how many of each op the
            // relay had published when scraped: a ratio of them was flaky.)
            #expect(PrometheusText(apiMetrics).sum("image_api_image_size", ["format": "legacy"]) >= 4096 * legacy)
            let updates = PrometheusText(apiMetrics).sum("image_api_image", ["op": "update", "format": "envelope"])
            #expect(updates > 0)
            #expect(PrometheusText(apiMetrics).sum("image_api_image_size", ["op": "update", "format": "envelope"]) < 1024 * updates)
        }
    }

    @Test func aConsumerKilledMidStreamCatchesUpWithoutLossOrStaleData() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres) { cluster in
            try await cluster.startAPI()
            try await cluster.startConsumer()
            let workload = Workload(client: cluster.apiClient, seed: 7)
            try await workload.createImages(perPlant: 20)
            let sent = Atomic<Int>(0)
            async let failures = workload.sendChanges(0..<3000, perPlant: 20) { _ in sent.add(1, ordering: .relaxed) }
            _ = try await eventually("1,000 changes sent", timeout: .seconds(120)) { sent.load(ordering: .relaxed) >= 1000 ? true : nil }
            cluster.consumer?.signal(SIGKILL)
            #expect(try await cluster.consumer?.waitForExit() == SIGKILL)
            _ = try await eventually("2,000 changes sent", timeout: .seconds(120)) { sent.load(ordering: .relaxed) >= 2000 ? true : nil }
            try await cluster.startConsumer()
            #expect(try await failures == 0)
            try await cluster.waitUntilInSync(timeout: .seconds(90))
        }
    }

    @Test func consumersJoiningAndLeavingTheGroupMidStreamLoseNothing() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres) { cluster in
            try await cluster.startAPI()
            try await cluster.startConsumer()
            let first = try #require(cluster.consumer)
            let workload = Workload(client: cluster.apiClient, seed: 3)
            try await workload.createImages(perPlant: 20)
            let sent = Atomic<Int>(0)
            async let failures = workload.sendChanges(0..<3000, perPlant: 20, concurrency: 4) { _ in sent.add(1, ordering: .relaxed) }
            _ = try await eventually("500 changes sent", timeout: .seconds(120)) { sent.load(ordering: .relaxed) >= 500 ? true : nil }
            // A second member joins: partitions move to it (cooperative rebalance). Its first
            // round may assign nothing (the first member still holds what it must give up); the
            // partitions come in the second. Tansu stalls the group for good when a member leaves
            // between the two rounds (it keeps naming the departed member leader), so the first
            // leaves only once the second holds partitions: the rebalance is over.
            try await cluster.startConsumer()
            _ = try await eventually("second member assigned partitions", timeout: .seconds(60)) {
                cluster.consumer?.log.contains(#"partitions assigned kafka.partitions="["#) == true ? true : nil
            }
            // The first leaves gracefully mid-stream: it commits what it applied and its
            // partitions move to the second.
            first.signal(SIGTERM)
            #expect(try await first.waitForExit(timeout: .seconds(20)) == 0)
            #expect(try await failures == 0)
            try await cluster.waitUntilInSync(timeout: .seconds(90))
        }
    }

    @Test func changesCommittedButNotPublishedArePublishedAfterARestart() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres) { cluster in
            try await cluster.startConsumer()
            // Without a broker the API commits changes and their events, and publishes nothing:
            // the state a crash between commit and publish leaves behind.
            try await cluster.startAPI(kafka: false)
            let workload = Workload(client: cluster.apiClient, seed: 11)
            try await workload.createImages(perPlant: 4)
            #expect(try await workload.sendChanges(0..<100, perPlant: 4) == 0)
            #expect(cluster.api?.log.contains("topics ready") == false, "this image-api must have no broker")
            cluster.api?.signal(SIGKILL)
            _ = try await cluster.api?.waitForExit()
            try await cluster.startAPI()
            try await cluster.waitUntilInSync()
        }
    }

    @Test(arguments: [TestStore.postgres, .mongo])
    func anImageAPIKilledUnderLoadLosesNoCommittedChange(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: .postgres) { cluster in
            try await cluster.startAPI()
            try await cluster.startConsumer()
            let workload = Workload(client: cluster.apiClient, seed: 23)
            try await workload.createImages(perPlant: 10)
            let sent = Atomic<Int>(0)
            async let failures = workload.sendChanges(0..<600, perPlant: 10) { _ in sent.add(1, ordering: .relaxed) }
            _ = try await eventually("200 changes sent", timeout: .seconds(120)) { sent.load(ordering: .relaxed) >= 200 ? true : nil }
            cluster.api?.signal(SIGKILL)
            _ = try await failures
            try await cluster.startAPI()
            try await workload.sendChanges(600..<700, perPlant: 10)
            try await cluster.waitUntilInSync()
        }
    }
}
