import Kafka
import ServiceKit
import ServiceLifecycle

extension ChangeConsumer {
    /// Runs `body` until it succeeds. After a failure it pauses the assigned partitions, marks
    /// the service not ready, and waits with capped exponential backoff — polling meanwhile,
    /// which keeps the group membership alive and serves rebalances; messages of partitions
    /// assigned meanwhile are collected in `polled`, to go after every batch polled before.
    /// On success it resumes and reports ready.
    /// - Throws: `CancellationError` when shutdown begins while waiting (nothing is committed).
    func retryingWhileDown<T>(_ what: String, polled: inout [KafkaMessage],
                              _ body: () async throws -> T) async throws -> T {
        var backoff = Backoff()
        var failing = false
        var paused: [KafkaTopicPartition] = []
        defer {
            if !paused.isEmpty {
                do { try consumer.resume(paused) } catch {
                    logger.warning("could not resume partitions", metadata: ["error": "\(error)"])
                }
            }
        }
        while true {
            do {
                let result = try await body()
                // Ready again whatever was assigned while it failed (possibly nothing).
                if failing {
                    health.recovered()
                    logger.info("\(what) succeeded again, resuming", metadata: ["kafka.partitions": "\(paused.count)"])
                }
                return result
            } catch {
                if Task.isShuttingDownGracefully { throw CancellationError() }
                if !failing { health.degraded("\(what) failing: \(error)") }
                failing = true
                // Partitions assigned since the last try are paused too: nothing piles up.
                let assigned = Set((try? consumer.assignment()) ?? [])
                let newlyAssigned = Array(assigned.subtracting(paused))
                if !newlyAssigned.isEmpty, (try? consumer.pause(newlyAssigned)) != nil { paused += newlyAssigned }
                let delay = backoff.failed()
                logger.warning("\(what) failed, partitions paused, retrying", metadata: [
                    "error": "\(error)", "retry.in": "\(delay)",
                ])
                polled += try await consumer.poll(maxMessages: batching.maxMessages, maxBytes: batching.maxBatchBytes, timeout: delay)
            }
        }
    }
}
