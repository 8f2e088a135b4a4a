import Foundation
import Kafka

/// Sends change events to the broker as fast as it takes them, so that a consumer started
/// afterwards measures its own apply rate, not a producer's: batches of `batchSize` messages,
/// up to `window` batches in flight.
public struct EventPreload: Sendable {
    public let producer: KafkaProducer
    public let window: Int

    /// - Precondition: `window` is at least 1.
    public init(producer: KafkaProducer, window: Int) {
        precondition(window >= 1, "window must be at least 1")
        self.producer = producer
        self.window = window
    }

    /// What one `send` did.
    public struct Sent: Sendable {
        public internal(set) var messages = 0
        public internal(set) var bytes = 0
        public internal(set) var duration = Duration.zero

        /// The line `sync-bench preload` prints for events of kind `op`.
        public func line(_ op: String) -> String {
            let seconds = duration.seconds
            let megabytes = Double(bytes) / 1_000_000
            return "preload: \(messages) \(op) events, "
                + String(format: "%.1f MB of values, in %.1f s: %.0f events/s, %.1f MB/s",
                         megabytes, seconds, Double(messages) / seconds, megabytes / seconds)
        }
    }

    /// Sends `make(0..<count)` in batches of `batchSize`. Batches are awaited oldest first, and
    /// a new one starts only when the oldest is acknowledged: batches sent concurrently are
    /// within `window` consecutive batches, so a record's events in batches further apart than
    /// that arrive in order.
    /// - Throws: the first failed batch's error, once every batch started has ended.
    public func send(_ count: Int, batchSize: Int, make: (Int) -> KafkaOutgoingMessage) async throws -> Sent {
        precondition(batchSize >= 1, "batchSize must be at least 1")
        let start = ContinuousClock.now
        var sent = Sent()
        var inFlight: [Task<Int, any Error>] = []
        // Every started batch is awaited, also when one fails: no send outlives the call.
        var failure: (any Error)?
        for first in stride(from: 0, to: count, by: batchSize) {
            if inFlight.count == window {
                do { sent.messages += try await inFlight.removeFirst().value } catch { failure = failure ?? error }
            }
            guard failure == nil else { break }
            let messages = (first..<min(first + batchSize, count)).map(make)
            sent.bytes += messages.reduce(0) { $0 + ($1.value?.count ?? 0) }
            let producer = self.producer
            inFlight.append(Task { try await producer.send(messages).count })
        }
        for task in inFlight {
            do { sent.messages += try await task.value } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        sent.duration = ContinuousClock.now - start
        return sent
    }
}
