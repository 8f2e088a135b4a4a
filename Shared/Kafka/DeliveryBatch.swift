import Primitives

/// The delivery reports a `send` waits for: it resumes the sender once every message of the
/// batch is either acknowledged or failed.
final class DeliveryBatch: Sendable {
    typealias Outcome = Result<KafkaDelivery, KafkaError>

    private struct State {
        var results: [Outcome?]
        var remaining: Int
    }

    private let state: Locked<State>
    private let continuation: CheckedContinuation<[Outcome], Never>

    init(count: Int, continuation: CheckedContinuation<[Outcome], Never>) {
        precondition(count > 0, "a delivery batch needs at least one message")
        state = Locked(State(results: Array(repeating: nil, count: count), remaining: count))
        self.continuation = continuation
    }

    /// Records the outcome of message `index`. Called once per message: from the producer's
    /// queue with its delivery report, or from `send` when librdkafka refused it.
    func complete(_ index: Int, with result: Outcome) {
        complete(index..<index + 1, with: result)
    }

    /// Records one outcome for messages `indices` (the rest of a batch that could not be sent).
    func complete(_ indices: Range<Int>, with result: Outcome) {
        // An empty range completes nothing: the batch may have been resumed already.
        guard !indices.isEmpty else { return }
        let outcome: [Outcome]? = state.withLock { state in
            for index in indices { state.results[index] = result }
            state.remaining -= indices.count
            guard state.remaining == 0 else { return nil }
            return state.results.map { $0! }
        }
        // Resumed outside the lock; exactly once, by whoever completed the last message.
        if let outcome { continuation.resume(returning: outcome) }
    }
}

/// What librdkafka carries as a message's opaque: the batch and the message's place in it.
/// Retained while librdkafka holds it (`Unmanaged.passRetained` in `KafkaProducer.send`),
/// released by the delivery report or, if the message was refused, by `send`.
final class DeliveryTicket: Sendable {
    let batch: DeliveryBatch
    let index: Int

    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }
}
