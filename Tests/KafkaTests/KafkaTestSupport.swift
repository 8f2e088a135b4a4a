import Foundation
import InMemoryLogging
import Kafka
import Logging

/// Names, clusters and waiting helpers shared by the Kafka tests.
enum KafkaTestSupport {
    static let logger = Logger(label: "leafsync.tests.kafka")

    /// A topic or group name no other test (or test run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A producer configuration for the mock cluster, quick to notice brokers coming back.
    static func configuration(_ cluster: KafkaMockCluster, _ properties: [String: String] = [:]) -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "kafka-tests",
                           properties: ["reconnect.backoff.max.ms": "500"].merging(properties) { $1 })
    }

    /// A consumer configuration for the mock cluster. Brokers (the mock's and Tansu) hold a
    /// JoinGroup for up to the session timeout while a group rebalances; the default 45 s
    /// would make every join slow.
    static func consumerConfiguration(_ cluster: KafkaMockCluster) -> KafkaConfiguration {
        configuration(cluster, ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
    }

    /// A logger whose lines stay in memory (swift-log's `InMemoryLogHandler`), every level:
    /// to wait for librdkafka's log lines and errors.
    static func recordingLogger() -> (Logger, InMemoryLogHandler) {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        let recorded = handler
        return (Logger(label: "leafsync.tests.kafka") { _ in recorded }, recorded)
    }

    struct TimedOut: Error, CustomStringConvertible {
        let description: String
    }

    /// Polls until `count` messages arrived (or fails after `timeout`).
    static func consume(_ count: Int, from consumer: KafkaConsumer,
                        timeout: Duration = .seconds(30)) async throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaMessage] = []
        while messages.count < count {
            guard ContinuousClock.now < deadline else {
                throw TimedOut(description: "got \(messages.count) of \(count) messages in \(timeout)")
            }
            messages += try await consumer.poll(maxMessages: count - messages.count, timeout: .milliseconds(200))
        }
        return messages
    }
}

/// A value shared between a test and the closures or tasks it starts.
final class Shared<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `stored` is reached only under `lock`.
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
