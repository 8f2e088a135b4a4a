import ImageModel
@testable import StoreVerification
import Testing
import TestSupport

/// Comparing a live system, against the real servers for every pairing: a change that arrives
/// within the staleness allowance is settled, never reported; damage stays reported, with the
/// versions; a repair is called for each difference that stays.
@Suite struct LiveComparisonTests {
    @Test(arguments: StorePair.all) func changesInFlightSettleAndDamageIsReported(pair: StorePair) async throws {
        // Records 1, 2 and 9 changed just now, so a change may be in flight; the others long ago.
        let now = Timestamp.now()
        let images = Image.tenRecords().map { image in
            var copy = image
            copy.version = 5
            if [1, 2, 9].contains(image.id) { copy.updatedAt = now }
            return copy
        }
        func version(_ image: Image, _ version: Int64, camera: Int64? = nil) -> Image {
            var copy = image
            copy.version = version
            if let camera { copy.cameraID = camera }
            return copy
        }
        let consumerImages = images.compactMap { image -> Image? in
            switch image.id {
            case 1: version(image, 4, camera: 77)   // behind, arrives in time
            case 2, 9: nil                           // 2 arrives in time, 9 never (both wait)
            case 3: version(image, 3)                // behind, old: rolled back, repaired at once
            case 4: version(image, 5, camera: 99)    // same version, other fields (damaged)
            case 5: version(image, 6)                // ahead of the producer
            default: image
            }
        }
        let repaired = RepairLog()
        try await pair.producer.withRepository { producer in
            try await pair.consumer.withRepository { consumer in
                try await producer.insert(plant: .potato, images)
                try await consumer.insert(plant: .potato, consumerImages + [Image.make(id: 11)])  // 11: extra
                // The wait is the hook below, so a long allowance costs nothing, and keeps records
                // 1, 2 and 9 "changed within it" however slowly a busy machine runs the test.
                var comparison = StoreComparison(producer: producer, consumer: consumer, pageSize: 3, allowance: .seconds(600),
                                                 repair: { plant, difference in repaired.add(plant, difference); return difference.kind != .extra },
                                                 logger: TestStore.logger)
                // While the allowance runs: record 1 catches up, record 2 arrives (missing on the first read).
                comparison.waitForAllowance = { _ in
                    try await consumer.applyReplicaWrites([.upsert(.potato, images[0]), .upsert(.potato, images[1])])
                }
                let report = try await comparison.compare(plants: [.potato])
                let potato = try #require(report.plants.first)
                #expect((potato.missing, potato.extra, potato.different, potato.settled, potato.repaired) == (1, 1, 3, 2, 4),
                        "\(report.text)")
                #expect(potato.details.map(\.id) == [3, 4, 5, 9, 11])
                let versions = potato.details.map { "\($0.id):\($0.producerVersion.map(String.init) ?? "-")/\($0.consumerVersion.map(String.init) ?? "-")" }
                #expect(versions == ["3:5/3", "4:5/5", "5:5/6", "9:5/-", "11:-/1"])
                #expect(repaired.ids == [3, 4, 5, 11, 9], "the damage at once, record 9 after the wait")
                #expect(report.text.contains("settled in flight 2, repaired 4") && report.text.contains("versions 5/3"))
            }
        }
    }
    /// Damage to records nobody changed within the allowance is repaired at the first read,
    /// without waiting the allowance out.
    @Test(arguments: StorePair.all) func damageToRecordsNobodyChangesIsRepairedWithoutWaiting(pair: StorePair) async throws {
        let images = Image.tenRecords().map { image in var copy = image; copy.version = 3; return copy }
        var consumerImages = images.filter { $0.id != 2 }
        consumerImages[0].version = 2        // 1: behind
        consumerImages[2].cameraID = 99      // 4: same version, other fields
        let repaired = RepairLog()
        try await pair.producer.withRepository { producer in
            try await pair.consumer.withRepository { consumer in
                try await producer.insert(plant: .potato, images)
                try await consumer.insert(plant: .potato, consumerImages + [Image.make(id: 12)])
                var comparison = StoreComparison(producer: producer, consumer: consumer, allowance: .seconds(3_600),
                                                 repair: { plant, difference in repaired.add(plant, difference); return true },
                                                 logger: TestStore.logger)
                comparison.waitForAllowance = { _ in Issue.record("waited out the allowance for damage no change explains") }
                let potato = try #require(try await comparison.compare(plants: [.potato]).plants.first)
                #expect((potato.missing, potato.extra, potato.different, potato.settled, potato.repaired) == (1, 1, 2, 0, 4))
                #expect(repaired.ids == [1, 2, 4, 12])
            }
        }
    }

    @Test func onlyAConsumerBehindARecentlyChangedRecordMayBeInFlight() {
        let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        func record(version: Int64, changedAgo milliseconds: Int64) -> Image {
            Image.make(id: 1, updatedAt: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - milliseconds), version: version)
        }
        func inFlight(_ producer: Image?, _ consumer: Image?, allowance: Duration = .seconds(10)) -> Bool {
            StoreComparison.mayBeInFlight(producer: producer, consumer: consumer, allowance: allowance, now: now)
        }
        let recent = record(version: 5, changedAgo: 10_999)   // within 10 s + 1 s of clock tolerance
        let old = record(version: 5, changedAgo: 11_001)
        #expect(inFlight(recent, nil) && inFlight(recent, record(version: 4, changedAgo: 60_000)))
        #expect(!inFlight(old, nil) && !inFlight(old, record(version: 4, changedAgo: 60_000)))
        #expect(!inFlight(recent, record(version: 5, changedAgo: 0)), "same version: no change explains other fields")
        #expect(!inFlight(recent, record(version: 6, changedAgo: 0)), "a consumer ahead")
        #expect(!inFlight(nil, recent), "a record only the consumer has")
        #expect(inFlight(record(version: 5, changedAgo: -5_000), nil), "a producer clock ahead of ours")
        #expect(inFlight(old, nil, allowance: .seconds(Int64.max / 2)), "an allowance beyond any clock")
    }
}

private final class RepairLog: @unchecked Sendable {
    // @unchecked: the comparison calls the repair one difference at a time.
    private(set) var ids: [Int64] = []

    func add(_ plant: Plant, _ difference: RecordDifference) {
        #expect(plant == .potato)
        ids.append(difference.id)
    }
}
