import Foundation
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

/// A log handler that keeps what it is given, to wait for librdkafka's log lines and errors.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked Sendable: `records` is reached only under `lock`; the other properties are
    // set once, before the logger is shared.
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lock = NSLock()
    private var storage: [Record] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock {
            storage.append(Record(level: event.level, message: "\(event.message)",
                                  metadata: merged.mapValues { "\($0)" }))
        }
    }

    var records: [Record] { lock.withLock { storage } }

    /// A logger writing to `handler` only.
    static func logger() -> (Logger, RecordingLogHandler) {
        let handler = RecordingLogHandler()
        return (Logger(label: "leafsync.tests.kafka") { _ in handler }, handler)
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
