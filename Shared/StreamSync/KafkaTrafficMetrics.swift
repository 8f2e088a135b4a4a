import Kafka
import Metrics

/// Bytes a Kafka client sent to and received from the brokers, from librdkafka's statistics
/// (`tx_bytes`, `rx_bytes`, protocol overhead included): what the stream sync costs on the wire.
struct KafkaTrafficMetrics: Sendable {
    private let sent: Gauge
    private let received: Gauge

    /// - Parameter prefix: the service's metric namespace, e.g. `consumer`.
    init(prefix: String) {
        sent = Gauge(label: "\(prefix)_kafka_sent_bytes")
        received = Gauge(label: "\(prefix)_kafka_received_bytes")
    }

    func record(_ statistics: KafkaStatistics) {
        sent.record(statistics.bytesSent)
        received.record(statistics.bytesReceived)
    }

    /// Records every report of `client`'s statistics until the stream ends.
    func follow(_ reports: AsyncStream<KafkaStatistics>, also: (@Sendable (KafkaStatistics) -> Void)? = nil) async {
        for await report in reports {
            record(report)
            also?(report)
        }
    }
}
