import ImageModel
import Kafka

/// A message of the dead-letter topic, read back: where the letter sits, why it is there, and
/// the original message its headers describe.
public struct DeadLetterRecord: Sendable {
    public let letter: KafkaMessage
    public let reason: String
    /// The message as the consumer received it (original topic, partition, offset, key and
    /// value); nil when the letter lacks the headers (not written by our consumer).
    public let original: KafkaMessage?
    /// The original value's length when the letter holds only its start.
    public let truncatedFrom: Int?

    public init(_ letter: KafkaMessage) {
        self.letter = letter
        func header(_ name: String) -> String? {
            letter.headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        reason = header(DeadLetter.Header.reason) ?? "(no reason header)"
        truncatedFrom = header(DeadLetter.Header.valueTruncated).flatMap { Int($0) }
        if let topic = header(DeadLetter.Header.topic), let partition = header(DeadLetter.Header.partition).flatMap({ Int32($0) }),
           let offset = header(DeadLetter.Header.offset).flatMap({ Int64($0) }) {
            original = KafkaMessage(topic: topic, partition: partition, offset: offset, key: letter.key, value: letter.value,
                                    headers: letter.headers.filter { !DeadLetter.Header.all.contains($0.name) }, timestamp: nil)
        } else {
            original = nil
        }
    }

    /// `partition:offset` in the dead-letter topic: how an operator names one letter.
    public var id: String { "\(letter.partition):\(letter.offset)" }

    /// When it was dead-lettered (the letter's timestamp).
    public var deadLetteredAt: Timestamp? {
        letter.timestamp.map { Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch) }
    }
}

/// Which dead letters an operator means; every condition set must hold.
public struct DeadLetterFilter: Sendable {
    /// A part of the reason, case-insensitive.
    public var reason: String?
    /// The original topic.
    public var topic: String?
    /// The plant of the original topic.
    public var plant: Plant?
    /// Dead-lettered at or after / before.
    public var since: Timestamp?
    public var until: Timestamp?
    /// Letters by `partition:offset`; empty for any.
    public var ids: Set<String>

    public init(reason: String? = nil, topic: String? = nil, plant: Plant? = nil, since: Timestamp? = nil, until: Timestamp? = nil,
                ids: Set<String> = []) {
        (self.reason, self.topic, self.plant, self.since, self.until, self.ids) = (reason, topic, plant, since, until, ids)
    }

    public var isEmpty: Bool { reason == nil && topic == nil && plant == nil && since == nil && until == nil && ids.isEmpty }

    public func matches(_ record: DeadLetterRecord, topics: SyncTopics) -> Bool {
        if let reason, !record.reason.localizedCaseInsensitiveContains(reason) { return false }
        if let topic, record.original?.topic != topic { return false }
        if let plant, record.original.flatMap({ topics.plant(ofTopic: $0.topic) }) != plant { return false }
        if let since, !(record.deadLetteredAt.map { $0 >= since } ?? false) { return false }
        if let until, !(record.deadLetteredAt.map { $0 < until } ?? false) { return false }
        return ids.isEmpty || ids.contains(record.id)
    }
}

/// What a replay did with one dead letter.
public enum ReplayOutcome: Sendable, Hashable {
    case applied
    /// The consumer DB holds this change or a newer one (replayed before, or overtaken).
    case stale
    /// Its record is not in the consumer DB yet: it waits there for it, as the consumer's do.
    case waiting
    /// Still cannot be applied; it stays in the dead-letter topic.
    case rejected(String)
}

/// Applies chosen dead letters to the consumer DB through the same decoder and version-guarded
/// apply as the consumer: a letter whose cause was fixed is applied, one replayed twice is
/// stale the second time, one still bad says why. Letters stay in the topic either way.
public struct DeadLetterReplay: Sendable {
    let applier: ReplicaApplier
    let topics: SyncTopics
    let maxMessageBytes: Int

    public init(replica: any ImageReplica & WaitingChanges, topics: SyncTopics, maxMessageBytes: Int = EventLimits.maxEventBytes) {
        applier = ReplicaApplier(replica: replica)
        self.topics = topics
        self.maxMessageBytes = maxMessageBytes
    }

    /// Replays `records` in the order given (the topic's), a few hundred per guarded write.
    public func replay(_ records: [DeadLetterRecord]) async throws -> [ReplayOutcome] {
        var outcomes: [ReplayOutcome] = []
        for start in stride(from: 0, to: records.count, by: 500) {
            let chunk = records[start..<min(start + 500, records.count)]
            var decoded: [(index: Int, sourced: ReplicaApplier.Sourced)] = []
            var chunkOutcomes: [ReplayOutcome] = []
            for (index, record) in chunk.enumerated() {
                switch decode(record) {
                case .success(let sourced):
                    decoded.append((index, sourced))
                    chunkOutcomes.append(.applied)
                case .failure(let reason):
                    chunkOutcomes.append(.rejected(reason.message))
                }
            }
            let applied = try await applier.apply(decoded.map(\.sourced), now: .now())
            for ((index, _), outcome) in zip(decoded, applied) {
                chunkOutcomes[index] = switch outcome {
                case .applied: .applied
                case .stale: .stale
                case .waiting: .waiting
                case .rejected(let reason): .rejected(reason)
                }
            }
            outcomes += chunkOutcomes
        }
        return outcomes
    }

    private func decode(_ record: DeadLetterRecord) -> Result<ReplicaApplier.Sourced, ImageError> {
        guard let original = record.original else {
            return .failure(.invalidField("dead letter", "has no \(DeadLetter.Header.topic)/partition/offset headers: not one of ours"))
        }
        if let size = record.truncatedFrom {
            return .failure(.invalidField("dead letter", "holds only the start of a \(size)-byte message; replay it from its source"))
        }
        let (held, change) = topics.decode(original, maxMessageBytes: maxMessageBytes)
        return change.map { ReplicaApplier.Sourced(change: $0, message: held) }
    }
}
