import ImageModel
import Kafka
@testable import StreamSync
import Testing

/// The relay's ordering rules, without a broker: a record's event never goes out while an
/// earlier event of that record is parked; every other record flows on.
@Suite struct PublishPlanTests {
    static func entry(_ plant: Plant, _ id: Int64, _ version: Int64, behind: Bool = false) -> OutboxEntry {
        OutboxEntry(plant: plant, imageID: id, version: version, op: version == 1 ? .create : .update, envelope: [0x7B, 0x7D],
                    isBehindParked: behind)
    }

    static let tooLarge = KafkaError(code: .broker, nativeCode: 10, nativeName: "MSG_SIZE_TOO_LARGE", message: "too large")
    static let leaderMoved = KafkaError(code: .broker, nativeCode: 6, nativeName: "NOT_LEADER_FOR_PARTITION", message: "moved", isRetriable: true)
    static let delivered: Result<KafkaDelivery, KafkaError> = .success(KafkaDelivery(partition: 0, offset: 1))

    @Test func aRefusedEventHoldsBackItsRecordOnly() {
        var plan = PublishPlan()
        plan.add(Self.entry(.potato, 1, 1), refusal: "too large")
        plan.add(Self.entry(.tomato, 1, 1), refusal: nil)
        plan.add(Self.entry(.potato, 1, 2), refusal: nil)
        plan.add(Self.entry(.potato, 2, 4), refusal: nil)
        #expect(plan.refused.map(\.entry.version) == [1] && plan.refused.first?.reason == "too large")
        #expect(plan.behind.map { "\($0.entry.imageID)v\($0.entry.version) behind \($0.ahead ?? 0)" } == ["1v2 behind 1"])
        #expect(plan.sendable.map { "\($0.plant.rawValue)\($0.imageID)" } == ["tomato1", "potato2"])
    }

    @Test func eventsOfARecordParkedEarlierWaitWhateverTheirSize() {
        var plan = PublishPlan()
        plan.add(Self.entry(.pepper, 7, 3, behind: true), refusal: nil)
        plan.add(Self.entry(.pepper, 8, 1), refusal: nil)
        #expect(plan.behind.count == 1 && plan.behind[0].ahead == nil && plan.sendable.map(\.imageID) == [8])
    }

    @Test func theBrokersRefusalParksAndHoldsBackTheRecordsLaterFailures() {
        var plan = PublishPlan()
        for entry in [Self.entry(.potato, 1, 1), Self.entry(.potato, 2, 1), Self.entry(.potato, 1, 2), Self.entry(.potato, 3, 1)] {
            plan.add(entry, refusal: nil)
        }
        // 1v1 refused for good; 2v1 delivered; 1v2 failed too (held behind 1v1); 3v1 transient.
        let transient = plan.settle([.failure(Self.tooLarge), Self.delivered, .failure(Self.leaderMoved), .failure(Self.leaderMoved)])
        #expect(plan.refused.map { "\($0.entry.imageID)v\($0.entry.version)" } == ["1v1"])
        #expect(plan.refused.first?.reason.contains("MSG_SIZE_TOO_LARGE") == true)
        #expect(plan.behind.map { "\($0.entry.imageID)v\($0.entry.version) behind \($0.ahead ?? 0)" } == ["1v2 behind 1"])
        #expect(plan.delivered.map(\.imageID) == [2])
        #expect(transient == Self.leaderMoved, "3v1 stays in the outbox and the relay backs off")
    }

    @Test func onlyPermanentErrorsParkAMessage() {
        #expect(Self.tooLarge.rejectsMessageForGood)
        #expect(!Self.leaderMoved.rejectsMessageForGood)
        #expect(!KafkaError(code: .transport, nativeCode: -195, message: "down", isRetriable: true).rejectsMessageForGood)
        #expect(KafkaError(code: .broker, nativeCode: 29, message: "topic authorization failed").rejectsMessageForGood)
        #expect(KafkaError(code: .broker, nativeCode: 87, message: "invalid record").rejectsMessageForGood)
    }

    @Test func limitsNameTheHopThatRefuses() {
        let limits = PublishLimits(producerBytes: 1000, topicBytes: ["potato": 500])
        #expect(limits.refusal(of: 1001, topic: "tomato")?.contains("producer's message.max.bytes of 1000") == true)
        #expect(limits.refusal(of: 501, topic: "potato")?.contains("max.message.bytes of 500 of topic potato") == true)
        #expect(limits.refusal(of: 500, topic: "potato") == nil && limits.refusal(of: 1000, topic: "tomato") == nil)
        let entry = Self.entry(.potato, 123, 4)
        #expect(entry.messageBytes > entry.envelope.count + entry.key.count + 82)
    }
}
