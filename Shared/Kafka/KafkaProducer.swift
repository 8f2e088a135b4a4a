import Dispatch
import Logging
import Primitives

/// An idempotent producer (`enable.idempotence=true`, `acks=all`): each `send` returns once the
/// broker acknowledged the message, and retries after lost connections or leader changes
/// neither duplicate nor reorder messages.
///
/// librdkafka is polled from the producer's own serial `DispatchQueue`, never from Swift's
/// cooperative pool; delivery reports are served there and resume the waiting senders. That
/// loop keeps the producer alive until `close()`, which every owner must call.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let queue = DispatchQueue(label: "leafsync.kafka.producer")
    /// True once `close` began: `send` refuses new messages and the poll loop ends.
    private let closed = Locked(false)
    private let logger: Logger
    /// librdkafka's statistics, every `statisticsInterval` of the configuration; finished by `close`.
    public let statistics: AsyncStream<KafkaStatistics>
    private let statisticsContinuation: AsyncStream<KafkaStatistics>.Continuation

    /// Creates the producer; it connects in the background.
    /// - Throws: `KafkaError` `.configuration` for a bad property.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        (statistics, statisticsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(8))
        let properties = configuration.resolvedProperties(enforced: ["enable.idempotence": "true", "acks": "all"])
        client = try RDKafkaClient(kind: .producer, properties: properties, callbacks: RDKafkaCallbacks(
            logger: logger, statistics: configuration.statisticsInterval == nil ? nil : statisticsContinuation))
        self.logger = logger
        if configuration.statisticsInterval == nil { statisticsContinuation.finish() }
        queue.async { self.pollLoop() }
    }

    /// Sends one message and waits until the broker acknowledged it.
    /// - Returns: the partition and offset the broker stored it at.
    /// - Throws: `KafkaError`: refused locally, failed after librdkafka's retries (`isRetriable`
    ///   tells whether another try may succeed), `.fatal`, or `.closed`.
    public func send(topic: String, key: [UInt8]?, value: [UInt8]?,
                     headers: [KafkaHeader] = []) async throws(KafkaError) -> (partition: Int32, offset: Int64) {
        let delivery = try await send([KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers)])[0]
        return (delivery.partition, delivery.offset)
    }

    /// Sends `messages` in order and waits until every one was acknowledged.
    /// - Returns: where each message went, in the order given.
    /// - Throws: the first `KafkaError` of the batch, once every message is settled; the other
    ///   messages may have been delivered.
    public func send(_ messages: [KafkaOutgoingMessage]) async throws(KafkaError) -> [KafkaDelivery] {
        try await sendEach(messages).map { outcome throws(KafkaError) in try outcome.get() }
    }

    /// Sends `messages` in order and waits until every one was acknowledged or failed.
    /// - Returns: each message's outcome, in the order given. When librdkafka refuses a message
    ///   locally, the later ones are not produced (they could overtake it on their partition)
    ///   and fail with a retriable `.client` error that says so.
    public func sendEach(_ messages: [KafkaOutgoingMessage]) async -> [Result<KafkaDelivery, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let batch = DeliveryBatch(count: messages.count, continuation: continuation)
            // Under the lock, so `close` cannot purge between our check and the produce call
            // (a message produced after the purge would never get its report).
            closed.withLock { closed in
                for (index, message) in messages.enumerated() {
                    guard !closed else { return batch.complete(index..<messages.count, with: .failure(.closed("producer"))) }
                    let ticket = Unmanaged.passRetained(DeliveryTicket(batch: batch, index: index)).toOpaque()
                    do throws(KafkaError) {
                        try client.produce(message, ticket: ticket)
                    } catch {
                        // librdkafka refused the message, so no report will release the ticket.
                        Unmanaged<DeliveryTicket>.fromOpaque(ticket).release()
                        batch.complete(index, with: .failure(error))
                        let held = KafkaError(code: .client, message: "not sent: message \(index) of its batch was refused first",
                                              isRetriable: true)
                        return batch.complete(index + 1..<messages.count, with: .failure(held))
                    }
                }
            }
        }
    }

    /// Waits up to `timeout` until every message sent so far has been acknowledged or failed.
    /// - Throws: `KafkaError` `.timedOut` when messages are still outstanding.
    public func flush(timeout: Duration) async throws(KafkaError) {
        try await onQueue { () throws(KafkaError) in
            defer { self.completeDeliveries() }
            try self.client.flush(milliseconds: timeout.milliseconds)
        }
    }

    /// Flushes for up to `timeout`, fails what is still outstanding (`_PURGE_QUEUE`), and stops
    /// polling. Later sends throw `.closed`; calling it again does nothing.
    public func close(timeout: Duration = .seconds(10)) async {
        let wasOpen = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                do { try self.client.flush(milliseconds: timeout.milliseconds) } catch {
                    self.logger.info("Kafka producer closing with undelivered messages", metadata: ["kafka.error": "\(error)"])
                }
                self.client.purge()
                // Serves the purged messages' reports: every ticket is released before close returns.
                try? self.client.flush(milliseconds: 1000)
                self.completeDeliveries()
                continuation.resume()
            }
        }
        statisticsContinuation.finish()
    }

    /// One turn of the poll loop, which reschedules itself until `close`.
    private func pollLoop() {
        client.poll(milliseconds: 100)
        completeDeliveries()
        if !closed.withLock({ $0 }) { queue.async { self.pollLoop() } }
    }

    /// Resumes the senders whose messages got a report; on the queue only.
    private func completeDeliveries() {
        for report in client.callbacks.drainDeliveries() {
            // Balances the passRetained in `send`.
            let ticket = Unmanaged<DeliveryTicket>.fromOpaque(report.ticket).takeRetainedValue()
            ticket.batch.complete(ticket.index, with: report.result)
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result(catching: body)) }
        }.get()
    }
}
