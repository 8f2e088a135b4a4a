import ImageModel
import Kafka

extension ChangeConsumer {
    /// How often changes waiting for their record are checked for expiry and counted: a tenth
    /// of the timeout, between 100 ms and 10 s.
    var waitingCheckInterval: Duration {
        min(max(batching.waitingTimeout / 10, .milliseconds(100)), .seconds(10))
    }

    /// Applies the waiting changes of this consumer's partitions whose record (or previous
    /// version) came meanwhile, dead-letters those that waited longer than the timeout, and
    /// updates the waiting count and age. A failure is logged and tried again at the next
    /// check: the batch loop handles a DB outage.
    func settleWaiting() async {
        do {
            let owned = Set(try consumer.assignment())
            let timeout = batching.waitingTimeout
            let (seconds, attoseconds) = timeout.components
            let deadline = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - seconds * 1000 - attoseconds / 1_000_000_000_000_000)
            let expired = try await applier.settle(expiringBefore: deadline, limit: batching.maxMessages,
                                                   owns: { owned.contains(KafkaTopicPartition(topic: $0, partition: $1)) }) { change, stored in
                let what = "\(change.plant.rawValue) image \(change.imageID) version \(change.version) waited more than \(timeout)"
                guard let stored else { return what + " for its record, which never arrived" }
                return what + " for version \(change.version - 1), which never arrived (the consumer DB holds version \(stored))"
            }
            if !expired.isEmpty {
                // Sent before they are removed: a crash between the two sends them again.
                let letters = expired.map { DeadLetter(message: $0.0.kafkaMessage, reason: $0.1) }
                _ = try await deadLetters.send(letters.map { $0.outgoing(to: topics.deadLetter) })
                log(letters)
                try await applier.replica.removeWaiting(expired.map { WaitingKey($0.0) })
            }
            let summary = try await applier.replica.waitingSummary()
            anyWaiting.withLock { $0 = summary.count > 0 }
            metrics.waitingChanges.record(summary.count)
            metrics.waitingAge.record(summary.oldest.map { Double(Timestamp.now().millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000 } ?? 0)
        } catch {
            logger.warning("could not settle changes waiting for their record; trying again later", metadata: ["error": "\(error)"])
        }
    }

    /// Sends `dead` to the dead-letter topic (retrying while the broker is down) and logs each.
    func sendDeadLetters(_ dead: [DeadLetter], polled: inout [KafkaMessage]) async throws {
        guard !dead.isEmpty else { return }
        try await retryingWhileDown("dead-letter", polled: &polled) {
            _ = try await self.deadLetters.send(dead.map { $0.outgoing(to: self.topics.deadLetter) })
        }
        log(dead)
    }

    private func log(_ letters: [DeadLetter]) {
        for letter in letters {
            metrics.deadLettered(topic: letter.message.topic)
            logger.warning("message dead-lettered", metadata: [
                "kafka.topic": "\(letter.message.topic)", "kafka.partition": "\(letter.message.partition)",
                "kafka.offset": "\(letter.message.offset)", "reason": "\(letter.reason)",
            ])
        }
    }
}
