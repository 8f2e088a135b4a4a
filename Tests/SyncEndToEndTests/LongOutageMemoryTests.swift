import Foundation
import Logging
import Primitives
import Synchronization
import TCPRelay
import TestSupport
import Testing

/// The consumer DB is away for two minutes while creates with large images keep flowing and
/// the group rebalances twice: the consumer buffers a bounded amount (its partitions paused,
/// also those assigned meanwhile), its RSS stays under 64 MB, and everything arrives after.
@Suite struct LongOutageMemoryTests {
    static let outage: Duration = .seconds(120)
    static let rssLimit = 64 << 20

    @Test func aTwoMinuteOutageWithRebalancesKeepsTheConsumerSmallAndLosesNothing() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres, long: true) { cluster in
            let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: try port(of: cluster.consumerURL),
                                 logger: Logger(label: "leafsync.tests.relay"))
            let relayPort = try relay.start()
            defer { relay.stop() }
            let throughRelay = try replacingPort(of: cluster.consumerURL, with: relayPort)
            try await cluster.startAPI()
            try await cluster.startConsumer(storeURL: throughRelay)
            let consumer = try #require(cluster.consumer)
            try await Workload(client: cluster.apiClient, seed: 8).createImages(perPlant: 5)
            try await cluster.waitUntilInSync()
            let idle = try residentBytes(of: consumer.process.processIdentifier)

            relay.block()
            _ = try await eventually("consumer not ready", timeout: .seconds(30)) {
                try await cluster.consumerClient.request("GET", "/ready").status == 503 ? true : nil
            }
            // Creates of ~96 KB JPEGs (192 KB of hex per request) for the whole outage.
            let start = ContinuousClock.now
            let created = Atomic<Int>(0)
            let creates = Task {
                let hex = String(repeating: "ffd8", count: 48 * 1024)
                var index = 0
                while ContinuousClock.now - start < Self.outage {
                    let plant = ["potato", "tomato", "pepper"][index % 3]
                    let (status, body) = try await cluster.apiClient.request("PUT", "/image-plant/\(plant)",
                                                                            json: #"{"camera_id":\#(index + 1),"gps_coordinates":[1.5,2.5],"data":"\#(hex)"}"#)
                    guard status == 200 else { throw TestFailure("create answered \(status): \(String(decoding: body, as: UTF8.self))") }
                    created.add(1, ordering: .relaxed)
                    index += 1
                }
            }
            // A second member joins a third of the way in and is killed at two thirds: two
            // rebalances, each assigning partitions to a consumer that cannot write.
            var peak = idle
            var second: ServiceProcess?
            defer { second?.signal(SIGKILL) }
            while ContinuousClock.now - start < Self.outage {
                if second == nil, ContinuousClock.now - start > Self.outage / 3 {
                    second = try ServiceProcess("consumer", ["--store-url", throughRelay, "--port", "0", "--log-level", "info",
                                                             "--group-id", cluster.groupID] + cluster.kafkaArguments)
                } else if let joined = second, joined.process.isRunning, ContinuousClock.now - start > Self.outage * 2 / 3 {
                    joined.signal(SIGKILL)
                }
                peak = max(peak, try residentBytes(of: consumer.process.processIdentifier))
                try await Task.sleep(for: .milliseconds(500))
            }
            try await creates.value
            relay.unblock()
            try await cluster.waitUntilInSync(timeout: .seconds(180))
            let metrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            print("LongOutageMemoryTests: \(created.load(ordering: .relaxed)) creates of 96 KB during a \(Self.outage) outage; "
                  + "consumer RSS idle \(idle >> 20) MiB, peak \(peak >> 20) MiB")
            #expect(peak < Self.rssLimit, "consumer RSS peaked at \(peak) bytes")
            #expect(created.load(ordering: .relaxed) > 30, "creates must flow during the outage")
            #expect(PrometheusText(metrics).sum("consumer_events_dead_lettered_total") == 0)
            #expect(consumer.process.isRunning)
        }
    }

    /// VmRSS of a process, from /proc.
    private func residentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw TestFailure("no VmRSS for process \(pid)") }
        return kilobytes << 10
    }
}
