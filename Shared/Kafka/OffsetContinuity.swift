/// Checks that each partition's messages come with consecutive offsets, and says what to do
/// about a gap.
///
/// A topic that is neither compacted nor written in transactions has no gaps, so a message past
/// the next expected offset means the broker served a later batch before an earlier one could
/// be read. Tansu does that under concurrent producers: a produce raises the partition's high
/// watermark (taking its offsets) before it stores its batch, and a fetch in between lists the
/// batches after the missing one (`tansu-storage` dynostore, `produce` and `fetch`). The
/// consumer would never come back for the missing offsets. So a gap is re-read from its first
/// missing offset until it fills; one still there after `grace` is real (compaction, a
/// transaction marker) and is accepted.
///
/// Where a partition's first message after an assignment must be, only the group's committed
/// offset says: a group member asks for it when the first message of a new assignment comes
/// (`takeUnanchored`, then `expect`); a reader that assigns offsets itself knows (`expect`).
struct OffsetContinuity: Sendable {
    enum Verdict: Equatable {
        case deliver
        /// Deliver: it fills the partition's gap, `after` the gap was first seen.
        case filled(missing: Range<Int64>, after: Duration)
        /// Do not deliver: read the partition again from `missing.lowerBound`. `first` is true
        /// the first time this gap is seen.
        case reread(missing: Range<Int64>, first: Bool)
        /// Deliver: the gap outlasted the grace and is taken as real.
        case accepted(missing: Range<Int64>)
    }

    private struct Gap {
        let missing: Range<Int64>
        let since: ContinuousClock.Instant
    }

    /// How long a gap is re-read before it is taken as real; zero accepts gaps at once.
    let grace: Duration
    private var next: [KafkaTopicPartition: Int64] = [:]
    private var gaps: [KafkaTopicPartition: Gap] = [:]
    /// Assigned partitions whose next offset is not known yet.
    private var unanchored: Set<KafkaTopicPartition> = []

    init(grace: Duration) {
        self.grace = grace
    }

    mutating func check(_ partition: KafkaTopicPartition, offset: Int64, now: ContinuousClock.Instant) -> Verdict {
        guard let expected = next[partition], offset > expected else {
            // In order, the first message, or an earlier one again (librdkafka re-fetches
            // after a resume): the partition goes on from here.
            next[partition] = offset + 1
            guard let gap = gaps.removeValue(forKey: partition), offset == gap.missing.lowerBound else { return .deliver }
            return .filled(missing: gap.missing, after: now - gap.since)
        }
        let missing = expected..<offset
        let gap = gaps[partition].flatMap { $0.missing.lowerBound == expected ? $0 : nil }
        if now - (gap?.since ?? now) < grace {
            if gap == nil { gaps[partition] = Gap(missing: missing, since: now) }
            return .reread(missing: missing, first: gap == nil)
        }
        gaps[partition] = nil
        next[partition] = offset + 1
        return .accepted(missing: missing)
    }

    /// Says where `partition`'s next message must be.
    mutating func expect(_ partition: KafkaTopicPartition, at offset: Int64) {
        next[partition] = offset
        gaps[partition] = nil
    }

    /// Forgets `partitions` (assigned or revoked): their next messages start afresh. Assigned
    /// ones wait for an anchor.
    mutating func forget(_ partitions: [KafkaTopicPartition], assigned: Bool) {
        for partition in partitions {
            next[partition] = nil
            gaps[partition] = nil
        }
        if assigned { unanchored.formUnion(partitions) } else { unanchored.subtract(partitions) }
    }

    /// When a message of `partition` comes first since it was assigned: every assigned
    /// partition still without an anchor, taken (the caller looks up their committed offsets
    /// and `expect`s them); otherwise none.
    mutating func takeUnanchored(arriving partition: KafkaTopicPartition) -> [KafkaTopicPartition] {
        guard unanchored.contains(partition) else { return [] }
        defer { unanchored = [] }
        return Array(unanchored)
    }
}
