/// The delivery reports of one `enqueue`: it hands the outcome to its waiter once every message
/// of the batch is either acknowledged or failed.
final class DeliveryBatch: Sendable {
    private struct State {
        var results: [KafkaDelivery?]
        var remaining: Int
        var firstError: KafkaError?
        /// Set once every message is settled.
        var outcome: Result<[KafkaDelivery], KafkaError>?
        var waiter: CheckedContinuation<Result<[KafkaDelivery], KafkaError>, Never>?
    }

    private let state: Locked<State>

    init(count: Int) {
        precondition(count > 0, "a delivery batch needs at least one message")
        state = Locked(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    /// Waits until every message is settled; at once if they are. One waiter at a time.
    func outcome() async -> Result<[KafkaDelivery], KafkaError> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Records the outcome of message `index`. Called once per message: from the producer's
    /// queue with its delivery report, or from `send` when librdkafka refused it.
    func complete(_ index: Int, with result: Result<KafkaDelivery, KafkaError>) {
        complete(index..<index + 1, with: result)
    }

    /// Records one outcome for messages `indices` (the rest of a batch that could not be sent).
    func complete(_ indices: Range<Int>, with result: Result<KafkaDelivery, KafkaError>) {
        let resume: (CheckedContinuation<Result<[KafkaDelivery], KafkaError>, Never>, Result<[KafkaDelivery], KafkaError>)? =
            state.withLock { state in
                for index in indices {
                    switch result {
                    case .success(let delivery): state.results[index] = delivery
                    case .failure(let error): state.firstError = state.firstError ?? error
                    }
                }
                state.remaining -= indices.count
                guard state.remaining == 0 else { return nil }
                let outcome: Result<[KafkaDelivery], KafkaError> = state.firstError.map { .failure($0) } ?? .success(state.results.map { $0! })
                state.outcome = outcome
                defer { state.waiter = nil }
                return state.waiter.map { ($0, outcome) }
            }
        // Resumed outside the lock; exactly once, by whoever completed the last message.
        if let (waiter, outcome) = resume { waiter.resume(returning: outcome) }
    }
}

/// What librdkafka carries as a message's opaque: the batch and the message's place in it.
/// Retained while librdkafka holds it (`Unmanaged.passRetained` in `KafkaProducer.enqueue`),
/// released by the delivery report or, if the message was refused, by `enqueue`.
final class DeliveryTicket: Sendable {
    let batch: DeliveryBatch
    let index: Int

    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }
}
