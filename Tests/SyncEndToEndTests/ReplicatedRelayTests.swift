import Foundation
import ImageModel
import ImageStores
import Logging
import Primitives
import TestSupport
import Testing

/// Three image-api replicas on one producer DB, each relaying, all taking writes: their relays
/// divide the outbox by record, so the consumer sees (almost) every event once; when one
/// replica is killed its pending events are published by the others within seconds.
@Suite(.serialized) struct ReplicatedRelayTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func relaysOfThreeReplicasShareTheOutbox(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store, long: true) { cluster in
            try await cluster.startAPI()
            let others = try (0..<2).map { _ in
                try ServiceProcess("image-api", ["--store-url", cluster.producerURL, "--port", "0", "--log-level", "info"] + cluster.kafkaArguments)
            }
            defer { for other in others { other.signal(SIGKILL) } }
            var clients = [cluster.apiClient]
            for other in others { clients.append(ServiceClient(port: try await other.listeningPort())) }
            try await cluster.startConsumer()
            try await Workload(client: clients[0], seed: 21).createImages(perPlant: 20)

            // Every replica takes a third of the writes, as behind a load balancer.
            func send(_ range: Range<Int>, to clients: [ServiceClient]) async throws -> Int {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for (index, client) in clients.enumerated() {
                        group.addTask { try await Workload(client: client, seed: 1_000_000 * UInt64(index + 1)).sendChanges(range, perPlant: 20, concurrency: 4) }
                    }
                    return try await group.reduce(0, +)
                }
            }
            // The MongoDB-compatible server takes ~20 writes/s here (PostgreSQL ~200): fewer for it.
            let perReplica = store == .postgres ? 1000 : 250
            let start = ContinuousClock.now
            #expect(try await send(0..<perReplica, to: clients) == 0)
            let elapsed = ContinuousClock.now - start
            try await cluster.waitUntilInSync()
            // A relay counts an event once it left the outbox, which may come after the consumer
            // applied it (the MongoDB-compatible server is slow), and a duplicate is consumed after it
            // is counted: the counts settle first.
            let (consumed, stale, published) = try await eventually("relays' counts to reach the consumer's", timeout: .seconds(30)) {
                () async throws -> (Double, Double, Double)? in
                let metrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
                var published = 0.0
                for client in clients {
                    let text = String(decoding: try await client.request("GET", "/metrics").body, as: UTF8.self)
                    published += PrometheusText(text).sum("image_api_image", ["format": "envelope"])
                }
                let consumed = PrometheusText(metrics).sum("consumer_events_consumed_total")
                return published == consumed ? (consumed, PrometheusText(metrics).sum("consumer_events_stale_total"), published) : nil
            }
            // Every version of every record is one event: the distinct events to publish.
            let producer = try TestStore.client(url: cluster.producerURL, logger: Logger(label: "leafsync.tests.relays"))
            var distinct: Int64 = 0
            for plant in Plant.allCases {
                distinct += try await producer.replicaStates(plant: plant, ids: Array(1...20)).values.reduce(0) { $0 + $1.version }
            }
            await producer.close()
            let duplicates = published - Double(distinct)
            // Requests per second; those that changed nothing made no event.
            let rate = Double(3 * perReplica) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            print("ReplicatedRelayTests \(store): 3 replicas, \(Int(rate)) change requests/s, \(distinct) events, \(Int(published)) published "
                  + "(\(Int(duplicates)) duplicates, \(String(format: "%.2f", 100 * duplicates / Double(max(distinct, 1))))%), "
                  + "\(Int(consumed)) consumed, \(Int(stale)) stale at the consumer")
            #expect(distinct > perReplica && duplicates >= 0)
            #expect(duplicates < Double(distinct) / 100, "duplicate publishes: \(duplicates) of \(distinct)")

            // A replica killed mid-stream: what it had not published goes out through the others.
            async let load = send(perReplica..<(perReplica + perReplica / 2), to: [clients[0], clients[2]])
            others[0].signal(SIGKILL)
            _ = try await load
            try await cluster.waitUntilInSync(timeout: .seconds(60))
        }
    }
}
