import ImageModel
import Kafka

/// What becomes of one batch of outbox events: sent, delivered, or parked (refused for good,
/// or waiting behind an earlier parked event of the same record). Pure, so that the ordering
/// rules are tested without a broker: a record's event never goes out while an earlier one of
/// that record is parked.
struct PublishPlan {
    /// The events to send, in outbox order.
    private(set) var sendable: [OutboxEntry] = []
    /// Events that can never be published, with the reason.
    private(set) var refused: [(entry: OutboxEntry, reason: String)] = []
    /// Events that wait behind an earlier parked event of their record: its version when it was
    /// refused in this batch, nil when it was parked before.
    private(set) var behind: [(entry: OutboxEntry, ahead: Int64?)] = []
    /// Events the broker acknowledged.
    private(set) var delivered: [OutboxEntry] = []
    /// Records with an event refused in this batch, and its version.
    private var blocked: [RecordKey: Int64] = [:]

    /// Adds the next event of the batch; `refusal` says why it can never be published, if so.
    mutating func add(_ entry: OutboxEntry, refusal: String?) {
        let key = RecordKey(entry)
        if entry.isBehindParked {
            behind.append((entry, nil))
        } else if let ahead = blocked[key] {
            behind.append((entry, ahead))
        } else if let refusal {
            refused.append((entry, refusal))
            blocked[key] = entry.version
        } else {
            sendable.append(entry)
        }
    }

    /// Sorts the outcomes of `sendable`: delivered, refused for good (the record's later events
    /// then wait behind it), or failed transiently (they stay in the outbox).
    /// - Returns: the first transient error, for the relay to back off on.
    mutating func settle(_ outcomes: [Result<KafkaDelivery, KafkaError>]) -> KafkaError? {
        var transient: KafkaError?
        for (entry, outcome) in zip(sendable, outcomes) {
            let key = RecordKey(entry)
            switch outcome {
            case .success:
                delivered.append(entry)
            case .failure where blocked[key] != nil:
                behind.append((entry, blocked[key]))
            case .failure(let error) where error.rejectsMessageForGood:
                refused.append((entry, "the broker refused it: \(error)"))
                blocked[key] = entry.version
            case .failure(let error):
                transient = transient ?? error
            }
        }
        return transient
    }
}
