import Foundation
import Logging
import Synchronization
import TCPRelay
import TestSupport
import Testing

/// The consumer DB goes away mid-stream (a relay between the consumer and its DB drops every
/// connection and refuses new ones), then comes back: nothing is lost or dead-lettered.
@Suite(.serialized) struct DatabaseOutageTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func theConsumerWaitsOutADatabaseOutage(consumerStore: TestStore) async throws {
        try await SyncCluster.with(producer: .postgres, consumer: consumerStore, long: true) { cluster in
            let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: try port(of: cluster.consumerURL),
                                 logger: Logger(label: "leafsync.tests.relay"))
            let relayPort = try relay.start()
            defer { relay.stop() }
            try await cluster.startAPI()
            try await cluster.startConsumer(storeURL: try replacingPort(of: cluster.consumerURL, with: relayPort))
            let workload = Workload(client: cluster.apiClient, seed: 5)
            try await workload.createImages(perPlant: 10)
            let sent = Atomic<Int>(0)
            async let failures = workload.sendChanges(0..<1500, perPlant: 10, concurrency: 4) { _ in sent.add(1, ordering: .relaxed) }
            _ = try await eventually("300 changes sent", timeout: .seconds(120)) { sent.load(ordering: .relaxed) >= 300 ? true : nil }

            relay.block()
            _ = try await eventually("consumer not ready", timeout: .seconds(30)) {
                try await cluster.consumerClient.request("GET", "/ready").status == 503 ? true : nil
            }
            // The outage itself: several seconds in which the stream goes on.
            try await Task.sleep(for: .seconds(4))
            relay.unblock()
            _ = try await eventually("consumer ready again", timeout: .seconds(30)) {
                try await cluster.consumerClient.request("GET", "/ready").status == 200 ? true : nil
            }
            #expect(try await failures == 0)
            try await cluster.waitUntilInSync()
            let metrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            let deadLettered = metrics.split(separator: "\n").filter { $0.hasPrefix("consumer_events_dead_lettered_total{") }
            #expect(!deadLettered.isEmpty && deadLettered.allSatisfy { $0.hasSuffix(" 0") }, "nothing may be dead-lettered: \(deadLettered)")
            #expect(cluster.consumer?.log.contains("partitions paused, retrying") == true)
        }
    }
}
