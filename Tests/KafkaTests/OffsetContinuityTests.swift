@testable import Kafka
import Testing

/// The decisions behind re-reading a gap in a partition's offsets, on a clock the tests set.
@Suite struct OffsetContinuityTests {
    let partition = KafkaTopicPartition(topic: "t", partition: 0)
    let other = KafkaTopicPartition(topic: "t", partition: 1)
    let start = ContinuousClock.now

    @Test func consecutiveOffsetsAreDelivered() {
        var continuity = OffsetContinuity(grace: .seconds(10))
        for offset in Int64(5)...8 {
            #expect(continuity.check(partition, offset: offset, now: start) == .deliver)
        }
    }

    /// The Tansu race: offset 218 is taken but not yet stored when a fetch returns 219.
    @Test func aGapIsReadAgainUntilItFills() {
        var continuity = OffsetContinuity(grace: .seconds(10))
        #expect(continuity.check(partition, offset: 217, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 219, now: start) == .reread(missing: 218..<219, first: true))
        #expect(continuity.check(partition, offset: 219, now: start + .milliseconds(5)) == .reread(missing: 218..<219, first: false))
        // Another partition goes on meanwhile.
        #expect(continuity.check(other, offset: 40, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 218, now: start + .milliseconds(30))
            == .filled(missing: 218..<219, after: .milliseconds(30)))
        #expect(continuity.check(partition, offset: 219, now: start + .milliseconds(30)) == .deliver)
    }

    /// A transaction marker (or compaction) leaves a gap that never fills.
    @Test func aGapThatOutlastsTheGraceIsAccepted() {
        var continuity = OffsetContinuity(grace: .seconds(2))
        #expect(continuity.check(partition, offset: 0, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 2, now: start) == .reread(missing: 1..<2, first: true))
        #expect(continuity.check(partition, offset: 2, now: start + .milliseconds(1999)) == .reread(missing: 1..<2, first: false))
        #expect(continuity.check(partition, offset: 2, now: start + .seconds(2)) == .accepted(missing: 1..<2))
        #expect(continuity.check(partition, offset: 3, now: start + .seconds(2)) == .deliver)
        // The next gap has a grace of its own.
        #expect(continuity.check(partition, offset: 5, now: start + .seconds(3)) == .reread(missing: 4..<5, first: true))
    }

    /// A reader that assigned the partition knows where it starts: a first message past that is a gap.
    @Test func anExpectedStartMakesTheFirstMessageAGap() {
        var continuity = OffsetContinuity(grace: .seconds(10))
        continuity.expect(partition, at: 4)
        #expect(continuity.check(partition, offset: 6, now: start) == .reread(missing: 4..<6, first: true))
        #expect(continuity.check(partition, offset: 4, now: start) == .filled(missing: 4..<6, after: .zero))
    }

    @Test func aZeroGraceAcceptsEveryGapAtOnce() {
        var continuity = OffsetContinuity(grace: .zero)
        #expect(continuity.check(partition, offset: 0, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 3, now: start) == .accepted(missing: 1..<3))
    }

    /// After a seek back, librdkafka may still hand out a message fetched before it: an
    /// earlier offset restarts the partition rather than opening a gap backwards.
    @Test func anEarlierOffsetRestartsThePartition() {
        var continuity = OffsetContinuity(grace: .seconds(10))
        #expect(continuity.check(partition, offset: 10, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 12, now: start) == .reread(missing: 11..<12, first: true))
        #expect(continuity.check(partition, offset: 7, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 8, now: start) == .deliver)
    }

    /// A partition that moves to another consumer and back starts wherever the group's
    /// committed offset is: revoked, it is forgotten; assigned again, its first message asks
    /// for the anchor of every partition assigned meanwhile, once.
    @Test func aForgottenPartitionStartsAfreshFromItsAnchor() {
        var continuity = OffsetContinuity(grace: .seconds(10))
        let other = KafkaTopicPartition(topic: "potato", partition: 2)
        #expect(continuity.check(partition, offset: 10, now: start) == .deliver)
        #expect(continuity.check(partition, offset: 12, now: start) == .reread(missing: 11..<12, first: true))
        continuity.forget([partition], assigned: false)
        #expect(continuity.takeUnanchored(arriving: partition).isEmpty, "a revoked partition has nothing to anchor")
        #expect(continuity.check(partition, offset: 30, now: start) == .deliver)
        continuity.forget([partition, other], assigned: true)
        #expect(Set(continuity.takeUnanchored(arriving: other)) == [partition, other])
        #expect(continuity.takeUnanchored(arriving: partition).isEmpty, "asked once per assignment")
        continuity.expect(partition, at: 40)
        #expect(continuity.check(partition, offset: 42, now: start) == .reread(missing: 40..<42, first: true))
        #expect(continuity.check(other, offset: 5, now: start) == .deliver, "no commit: no anchor, nothing to check")
    }
}
