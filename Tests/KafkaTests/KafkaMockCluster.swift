import CRdKafka
@testable import Kafka
import Logging

/// librdkafka's in-process mock cluster, for the tests only (it reaches the wrapper's internal
/// client, so it lives here rather than in the product's `Kafka` module): brokers on random loopback ports that
/// speak the Kafka protocol (topics auto-create; no CreateTopics), can be taken down and
/// brought up, and fail requests on demand. Works with librdkafka 2.0.2 and later.
public final class KafkaMockCluster: Sendable {
    /// The handle the cluster runs in: the cluster must be destroyed before it.
    private let client: RDKafkaClient
    private let cluster: MockClusterPointer
    /// Broker ids are 1...brokers.
    public let bootstrapServers: [String]

    /// A Kafka protocol request type (the ApiKey of the Kafka protocol guide).
    public struct APIKey: Sendable, Hashable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }
        public static let produce = APIKey(rawValue: 0)
        public static let fetch = APIKey(rawValue: 1)
        public static let offsetCommit = APIKey(rawValue: 8)
        public static let initProducerId = APIKey(rawValue: 22)
    }

    /// A broker error code to inject.
    public struct BrokerError: Sendable, Hashable {
        let code: rd_kafka_resp_err_t
        public static let notLeaderForPartition = BrokerError(code: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        public static let requestTimedOut = BrokerError(code: RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        public static let notEnoughReplicas = BrokerError(code: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        public static let topicAuthorizationFailed = BrokerError(code: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        public static let invalidProducerEpoch = BrokerError(code: RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
        public static let messageSizeTooLarge = BrokerError(code: RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    }

    /// Starts `brokers` brokers.
    /// - Throws: `KafkaError` when librdkafka cannot start them.
    public init(brokers: Int32 = 3, logger: Logger) throws(KafkaError) {
        client = try RDKafkaClient(kind: .admin, properties: [], callbacks: RDKafkaCallbacks(logger: logger, statistics: nil))
        guard let cluster = client.withHandle({ rd_kafka_mock_cluster_new($0, brokers) }) else {
            throw KafkaError(code: .client, message: "librdkafka could not start a mock cluster")
        }
        self.cluster = MockClusterPointer(pointer: cluster)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster)).split(separator: ",").map(String.init)
    }

    deinit {
        // Before `client` (released after this body) destroys the handle the cluster uses.
        rd_kafka_mock_cluster_destroy(cluster.pointer)
    }

    /// Creates a topic with `partitions` partitions (auto-creation would make the default count).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try check(rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor))
    }

    /// Disconnects broker `id` and refuses new connections until `setBrokerUp`.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster.pointer, id))
    }

    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, id))
    }

    /// Makes the next `errors.count` requests of type `api`, to any broker, fail with `errors`
    /// in order.
    public func pushRequestErrors(_ api: APIKey, _ errors: [BrokerError]) {
        rd_kafka_mock_push_request_errors_array(cluster.pointer, api.rawValue, errors.count, errors.map(\.code))
    }

    /// Moves the leadership of one partition to broker `id`.
    public func setPartitionLeader(topic: String, partition: Int32, broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, id))
    }

    private func check(_ error: rd_kafka_resp_err_t) throws(KafkaError) {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error) }
    }
}

/// The cluster pointer, so `KafkaMockCluster` can be `Sendable`.
private struct MockClusterPointer: @unchecked Sendable {
    // @unchecked Sendable: the mock cluster runs on its own thread and its rd_kafka_mock_*
    // setters hand each change to that thread under the cluster's lock.
    let pointer: OpaquePointer
}
