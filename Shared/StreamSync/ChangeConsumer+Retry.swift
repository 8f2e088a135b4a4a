import Kafka
import ServiceLifecycle

extension ChangeConsumer {
    /// Runs `body` until it succeeds. After a failure it pauses the assigned partitions, marks
    /// the service not ready, and waits with capped exponential backoff — polling meanwhile,
    /// which keeps the group membership alive and serves rebalances; messages of partitions
    /// assigned meanwhile are collected in `polled`. On success it resumes and reports ready.
    /// - Throws: `CancellationError` when shutdown begins while waiting (nothing is committed).
    func retryingWhileDown<T>(_ what: String, polled: inout [KafkaMessage],
                              _ body: () async throws -> T) async throws -> T {
        var backoff = Backoff()
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
                if !paused.isEmpty {
                    health.recovered()
                    logger.info("\(what) succeeded again, resuming", metadata: ["kafka.partitions": "\(paused.count)"])
                }
                return result
            } catch {
                if Task.isShuttingDownGracefully { throw CancellationError() }
                if paused.isEmpty {
                    paused = (try? consumer.assignment()) ?? []
                    if !paused.isEmpty { try? consumer.pause(paused) }
                    health.degraded("\(what) failing: \(error)")
                }
                let delay = backoff.failed()
                logger.warning("\(what) failed, partitions paused, retrying", metadata: [
                    "error": "\(error)", "retry.in": "\(delay)",
                ])
                polled += try await consumer.poll(maxMessages: batching.maxMessages, maxBytes: batching.maxBatchBytes, timeout: delay)
            }
        }
    }
}
