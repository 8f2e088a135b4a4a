import ImageModel
import Kafka

extension ChangeConsumer {
    /// A polled batch with each message decoded, and when it was polled.
    struct PolledBatch: Sendable {
        let messages: [HeldMessage]
        let decoded: [Result<IncomingChange, ImageError>]
        let receivedAt: Int64

        var isEmpty: Bool { messages.isEmpty }
    }

    /// The next batch, polled and decoded while the current one is written to the consumer DB:
    /// decoding is most of the consumer's own CPU, and the write mostly waits for the database,
    /// so the two overlap. At most one poll is ever in flight, so messages keep the order the
    /// consumer polled them in: whoever else must poll (the retries while the DB or the broker
    /// is down) takes the batch ahead first (`drain`).
    final class Lookahead {
        private var next: Task<PolledBatch, any Error>?

        /// Polls and decodes the next batch in the background.
        func start(_ consumer: ChangeConsumer) {
            precondition(next == nil, "one batch ahead at most")
            next = Task { try await consumer.pollDecoded() }
        }

        /// The batch polled ahead, once it is there; nil when none was started.
        func take() async throws -> PolledBatch? {
            guard let next else { return nil }
            self.next = nil
            return try await next.value
        }

        /// The messages polled ahead, to go before any polled after them; empty when none.
        func drain() async throws -> [KafkaMessage] {
            try await take()?.messages.map(\.original) ?? []
        }
    }

    /// Polls a batch (waiting up to `maxWait` for its first message) and decodes it.
    func pollDecoded() async throws -> PolledBatch {
        decoded(try await consumer.poll(maxMessages: batching.maxMessages, maxBytes: batching.maxBatchBytes, timeout: batching.maxWait))
    }

    /// Each message is let go as soon as it is decoded, so a batch is never held twice whole.
    func decoded(_ messages: consuming [KafkaMessage]) -> PolledBatch {
        let received = Timestamp.currentMicroseconds()
        var polled = messages
        polled.reverse()
        var held: [HeldMessage] = []
        var changes: [Result<IncomingChange, ImageError>] = []
        held.reserveCapacity(polled.count)
        changes.reserveCapacity(polled.count)
        while let message = polled.popLast() {
            let (message, change) = topics.decode(message, maxMessageBytes: batching.maxMessageBytes)
            held.append(message)
            changes.append(change)
        }
        return PolledBatch(messages: held, decoded: changes, receivedAt: received)
    }
}
