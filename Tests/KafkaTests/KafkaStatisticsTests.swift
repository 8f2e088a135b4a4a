import Foundation
import Kafka
import Testing

@Suite("librdkafka statistics")
struct KafkaStatisticsTests {
    @Test func readsTrafficAndConsumerLag() throws {
        let json = """
        {"name": "rdkafka#consumer-1", "type": "consumer", "tx": 12, "tx_bytes": 4096, "rx": 10, "rx_bytes": 8192,
         "txmsgs": 0, "rxmsgs": 42,
         "topics": {"images": {"topic": "images", "partitions": {
            "0": {"partition": 0, "consumer_lag": 7, "committed_offset": 35},
            "1": {"partition": 1, "consumer_lag": -1, "committed_offset": -1001},
            "-1": {"partition": -1, "consumer_lag": -1}}}}}
        """
        let statistics = try KafkaStatistics(json: Data(json.utf8))
        #expect(statistics.name == "rdkafka#consumer-1")
        #expect(statistics.bytesSent == 4096)
        #expect(statistics.bytesReceived == 8192)
        #expect(statistics.messagesReceived == 42)
        #expect(statistics.partitions.map(\.topicPartition.partition) == [0, 1])
        #expect(statistics.consumerLag(topic: "images", partition: 0) == 7)
        #expect(statistics.consumerLag(topic: "images", partition: 1) == nil)
        #expect(statistics.partitions[0].committedOffset == 35)
        #expect(statistics.partitions[1].committedOffset == nil)
    }

    @Test func rejectsWhatIsNotAnObject() {
        #expect(throws: KafkaError.self) { try KafkaStatistics(json: Data("[1]".utf8)) }
    }
}
