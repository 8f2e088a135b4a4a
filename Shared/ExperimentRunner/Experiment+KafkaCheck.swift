import ExperimentModel
import Primitives
import TCPRelay

extension Experiment {
    /// For each broker hop, the relay's count against librdkafka's own (`tx_bytes`, `rx_bytes`
    /// of image-api's producer plus the consumer's), both since the start.
    ///
    /// The producers are idle after the catch-up, so once a statistics report has followed their
    /// last byte their figures are final. The consumer keeps fetching, so its report is paired
    /// with the relay's count at the moment it was made: the report falls between two scrapes
    /// 50 ms apart, and the relay is read on either side of them. The second report after the
    /// call is used, so that at least one full interval has passed for the producers as well.
    /// What only the relay sees: the admin clients' topic set-up and the consumer's idle
    /// dead-letter producer, a few kilobytes.
    func independentCounts(_ topology: Topology) async throws -> [Variant: ExperimentResults.IndependentCount] {
        var counts: [Variant: ExperimentResults.IndependentCount] = [:]
        for (variant, broker, producerPrefix) in [(Variant.streamEnvelope, topology.brokerA, "image_api"),
                                                  (.streamLegacy, topology.brokerB, "image_api_legacy")] {
            counts[variant] = try await independentCount(relay: broker.relay, relayName: variant.sourceRelay,
                                                         producer: topology.imageAPI, producerPrefix: producerPrefix,
                                                         consumer: topology.applier(of: variant))
        }
        return counts
    }

    private func independentCount(relay: any CountingRelay, relayName: String, producer: ServiceEndpoint, producerPrefix: String,
                                  consumer: ServiceEndpoint) async throws -> ExperimentResults.IndependentCount {
        func traffic(_ metrics: PrometheusText, _ prefix: String) -> [Double] {
            [metrics.sum("\(prefix)_kafka_sent_bytes"), metrics.sum("\(prefix)_kafka_received_bytes")]
        }
        var previous = traffic(try await consumer.metrics(), "consumer")
        var previousRelay = relay.statistics
        var reports = 0
        return try await Poll.until("two statistics reports of \(consumer.name)", timeout: .seconds(30), interval: .milliseconds(50)) {
            let relayBefore = relay.statistics
            let current = traffic(try await consumer.metrics(), "consumer")
            let relayAfter = relay.statistics
            defer { previous = current; previousRelay = relayBefore }
            guard current != previous else { return nil }
            reports += 1
            guard reports >= 2 else { return nil }
            let produced = traffic(try await producer.metrics(), producerPrefix)
            let up = Int64(produced[0] + current[0]), down = Int64(produced[1] + current[1])
            let relayUp = (previousRelay.bytesUpstream + relayAfter.bytesUpstream) / 2
            let relayDown = (previousRelay.bytesDownstream + relayAfter.bytesDownstream) / 2
            let independent = Double(up + down)
            return ExperimentResults.IndependentCount(
                relay: relayName,
                source: "librdkafka statistics: tx_bytes/rx_bytes of \(producer.name) (\(producerPrefix)_kafka_*) + \(consumer.name)",
                independentBytesUp: up, independentBytesDown: down, relayBytesUp: relayUp, relayBytesDown: relayDown,
                producerBytesUp: Int64(produced[0]), producerBytesDown: Int64(produced[1]),
                consumerBytesUp: Int64(current[0]), consumerBytesDown: Int64(current[1]),
                deviation: independent > 0 ? abs(Double(relayUp + relayDown) - independent) / independent : 1,
                bracketBytes: (relayAfter.bytesUpstream + relayAfter.bytesDownstream)
                    - (previousRelay.bytesUpstream + previousRelay.bytesDownstream))
        }
    }
}
