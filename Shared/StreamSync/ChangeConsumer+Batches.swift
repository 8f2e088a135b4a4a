import ImageModel
import Kafka
import Synchronization

extension ChangeConsumer {
    /// A polled batch with each message decoded, and when each was polled (a batch filled
    /// while a write runs takes several polls).
    struct PolledBatch: Sendable {
        private(set) var messages: [HeldMessage] = []
        private(set) var decoded: [Result<IncomingChange, ImageError>] = []
        private(set) var receivedAt: [Int64] = []
        /// Its messages' bytes as polled.
        private(set) var byteCount = 0

        var isEmpty: Bool { messages.isEmpty }

        mutating func append(_ message: HeldMessage, _ change: Result<IncomingChange, ImageError>, receivedAt received: Int64) {
            messages.append(message)
            decoded.append(change)
            receivedAt.append(received)
            byteCount += message.byteCount
        }

        /// The records the batch's changes are for.
        var records: Set<RecordKey> {
            Set(decoded.compactMap { try? RecordKey($0.get()) })
        }
    }

    /// A batch whose write to the consumer DB is under way. On a store that queues writes, the
    /// next batch's write is handed over while this one waits for the DB when the two share no
    /// record (`ChangeConsumer.run`): the DB then gets it the moment it replies, instead of
    /// waiting for the consumer between batches. The two finish in order, so offsets are
    /// committed in order.
    struct BatchWrite: Sendable {
        let batch: PolledBatch
        let records: Set<RecordKey>
        let changes: [ReplicaApplier.Sourced]
        /// When each of `changes` was polled.
        let receivedAt: [Int64]
        /// The messages that did not decode, with why.
        let undecodable: [DeadLetter]
        let started: ContinuousClock.Instant
        /// The first attempt; `finish` retries a transient failure.
        let attempt: Task<[ChangeOutcome], any Error>
        /// Set when the first attempt has ended.
        let ended: Flag
    }

    final class Flag: Sendable {
        private let raised = Atomic(false)

        func raise() { raised.store(true, ordering: .releasing) }
        var isRaised: Bool { raised.load(ordering: .acquiring) }
    }

    /// The next batch. While a write is under way it polls in short waits until the batch is
    /// full or the write ends: the batch could not be written sooner (it waits for the write,
    /// or is queued behind it), and a batch cut at whatever the prefetch held costs the DB a
    /// command for a few changes. A write is still finished (committed, counted) as soon as it
    /// ends. With no write under way it waits up to `maxWait` for a first message.
    func nextBatch(writing: BatchWrite?) async throws -> PolledBatch {
        guard let writing else { return try await poll(into: PolledBatch(), waiting: batching.maxWait) }
        var batch = PolledBatch()
        repeat {
            batch = try await poll(into: batch, waiting: writing.ended.isRaised ? .zero : .milliseconds(2))
        } while !writing.ended.isRaised && batch.messages.count < batching.maxMessages && batch.byteCount < batching.maxBatchBytes
        return batch
    }

    /// Polls what `batch` has room for (waiting up to `waiting` for a first message) and
    /// decodes it into `batch`.
    func poll(into batch: consuming PolledBatch, waiting: Duration) async throws -> PolledBatch {
        let messages = try await consumer.poll(maxMessages: batching.maxMessages - batch.messages.count,
                                               maxBytes: batching.maxBatchBytes - batch.byteCount, timeout: waiting)
        return decoded(messages, into: batch)
    }

    /// Each message is let go as soon as it is decoded, so a batch is never held twice whole.
    func decoded(_ messages: consuming [KafkaMessage], into batch: consuming PolledBatch = PolledBatch()) -> PolledBatch {
        let received = Timestamp.currentMicroseconds()
        var polled = messages
        polled.reverse()
        var batch = batch
        while let message = polled.popLast() {
            let (message, change) = topics.decode(message, maxMessageBytes: batching.maxMessageBytes)
            batch.append(message, change, receivedAt: received)
        }
        return batch
    }

    /// Counts the batch's messages and starts writing its changes.
    func startWriting(_ batch: PolledBatch) -> BatchWrite {
        var changes: [ReplicaApplier.Sourced] = []
        var receivedAt: [Int64] = []
        var undecodable: [DeadLetter] = []
        for (index, (message, decoded)) in zip(batch.messages, batch.decoded).enumerated() {
            metrics.consumed(topic: message.message.topic, bytes: message.byteCount)
            switch decoded {
            case .success(let change):
                changes.append(ReplicaApplier.Sourced(change: change, message: message))
                receivedAt.append(batch.receivedAt[index])
            case .failure(let error):
                metrics.counted(topic: message.message.topic, op: "unknown")?.consumed.increment()
                undecodable.append(DeadLetter(message: message.original, reason: error.message))
            }
        }
        let anyWaiting = anyWaiting.withLock { $0 }
        let ended = Flag()
        let attempt = Task { [applier, changes] in
            defer { ended.raise() }
            return try await applier.apply(changes, now: .now(), anyWaiting: anyWaiting)
        }
        return BatchWrite(batch: batch, records: batch.records, changes: changes, receivedAt: receivedAt,
                          undecodable: undecodable, started: .now, attempt: attempt, ended: ended)
    }
}
