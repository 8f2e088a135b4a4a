import Dispatch
import Logging

/// Topic administration: create the topics a service needs, read what the brokers know.
/// Its blocking librdkafka calls run on its own serial `DispatchQueue`.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let queue = DispatchQueue(label: "leafsync.kafka.admin")

    /// Creates the admin client; it connects on first use.
    /// - Throws: `KafkaError` `.configuration` for a bad property.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        var configuration = configuration
        configuration.statisticsInterval = nil
        client = try RDKafkaClient(kind: .admin, properties: configuration.resolvedProperties(),
                                   callbacks: RDKafkaCallbacks(logger: logger, statistics: nil))
    }

    /// Creates the topics that do not exist yet; existing ones are left as they are (their
    /// partition count is not changed).
    /// - Throws: `KafkaError` for the first topic the broker refused, or `.timedOut`.
    public func createTopics(_ topics: [KafkaNewTopic], timeout: Duration = .seconds(30)) async throws(KafkaError) {
        guard !topics.isEmpty else { return }
        try await onQueue { () throws(KafkaError) in try self.client.createTopics(topics, milliseconds: timeout.milliseconds) }
    }

    /// Deletes `topics` and everything in them; topics that do not exist are skipped.
    /// - Throws: `KafkaError` for the first topic the broker refused, or `.timedOut`.
    public func deleteTopics(_ topics: [String], timeout: Duration = .seconds(30)) async throws(KafkaError) {
        guard !topics.isEmpty else { return }
        try await onQueue { () throws(KafkaError) in try self.client.deleteTopics(topics, milliseconds: timeout.milliseconds) }
    }

    /// The configuration the brokers report for each of `topics`, by topic name.
    public func topicConfigs(_ topics: [String], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [String: [String: String]] {
        guard !topics.isEmpty else { return [:] }
        return try await onQueue { () throws(KafkaError) in try self.client.topicConfigs(topics, milliseconds: timeout.milliseconds) }
    }

    /// What the brokers report about every topic.
    public func topics(timeout: Duration = .seconds(10)) async throws(KafkaError) -> [KafkaTopicMetadata] {
        try await onQueue { () throws(KafkaError) in try self.client.metadata(milliseconds: timeout.milliseconds) }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, KafkaError>, Never>) in
            queue.async {
                let result = Result(catching: body)
                // Serves the error events queued meanwhile (broker down...), which only log.
                self.client.poll(milliseconds: 0)
                continuation.resume(returning: result)
            }
        }.get()
    }
}
