import ImageModel
@testable import StoreVerification
import Testing
import TestSupport

/// Comparing a live system, against the real servers for every pairing: a change that arrives
/// within the staleness allowance is settled, never reported; damage stays reported, with the
/// versions; a repair is called for each difference that stays.
@Suite struct LiveComparisonTests {
    @Test(arguments: StorePair.all) func changesInFlightSettleAndDamageIsReported(pair: StorePair) async throws {
        let images = Image.tenRecords().map { image in var copy = image; copy.version = 5; return copy }
        func version(_ image: Image, _ version: Int64, camera: Int64? = nil) -> Image {
            var copy = image
            copy.version = version
            if let camera { copy.cameraID = camera }
            return copy
        }
        let consumerImages = images.compactMap { image -> Image? in
            switch image.id {
            case 1: version(image, 4, camera: 77)   // behind, arrives in time
            case 2, 9: nil                           // 2 arrives in time, 9 never
            case 3: version(image, 3)                // behind, never arrives (rolled back)
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
                var comparison = StoreComparison(producer: producer, consumer: consumer, pageSize: 3, allowance: .seconds(2),
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
                #expect(repaired.ids == [3, 4, 5, 9, 11])
                #expect(report.text.contains("settled in flight 2, repaired 4") && report.text.contains("versions 5/3"))
            }
        }
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
