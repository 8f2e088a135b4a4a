import ImageModel
import StoreVerification
import Testing
import TestSupport

/// The comparison against the real servers, for every pairing of producer and consumer store.
@Suite struct StoreComparisonTests {
    @Test(arguments: StorePair.all) func equalStoresReportEqual(pair: StorePair) async throws {
        let images = Image.tenRecords()
        let report = try await pair.compare(producerImages: images, consumerImages: images)
        #expect(report.isEqual)
        #expect(report.plants.map(\.plant) == Plant.allCases)
        let potato = try #require(report.plants.first { $0.plant == .potato })
        #expect((potato.producerCount, potato.consumerCount) == (10, 10))
        #expect(potato.details.isEmpty)
        #expect(report.plants.filter { $0.plant != .potato }.allSatisfy { $0.producerCount == 0 && $0.consumerCount == 0 })
    }

    @Test(arguments: StorePair.all) func versionIsNotCompared(pair: StorePair) async throws {
        let images = Image.tenRecords()
        let bumped = images.map { image in var copy = image; copy.version += 5; return copy }
        #expect(try await pair.compare(producerImages: images, consumerImages: bumped).isEqual)
    }

    @Test(arguments: StorePair.all) func missingRecordIsReported(pair: StorePair) async throws {
        let images = Image.tenRecords()
        let report = try await pair.compare(producerImages: images, consumerImages: images.filter { $0.id != 4 })
        let potato = try #require(report.plants.first)
        #expect(!report.isEqual)
        #expect((potato.producerCount, potato.consumerCount, potato.missing, potato.extra, potato.different) == (10, 9, 1, 0, 0))
        #expect(potato.details == [RecordDifference(kind: .missing, id: 4, producerDigest: images[3].verificationDigest, consumerDigest: nil)])
    }

    @Test(arguments: StorePair.all) func extraRecordIsReported(pair: StorePair) async throws {
        let images = Image.tenRecords()
        let extra = Image.make(id: 11)
        let report = try await pair.compare(producerImages: images, consumerImages: images + [extra])
        let potato = try #require(report.plants.first)
        #expect((potato.producerCount, potato.consumerCount, potato.missing, potato.extra, potato.different) == (10, 11, 0, 1, 0))
        #expect(potato.details == [RecordDifference(kind: .extra, id: 11, producerDigest: nil, consumerDigest: extra.verificationDigest)])
    }

    /// One changed field of record 6 on the consumer side is found and named.
    @Test(arguments: StorePair.all, [ImageField.data, .updatedAt, .disease, .isDeleted])
    func changedFieldIsReported(pair: StorePair, field: ImageField) async throws {
        let images = Image.tenRecords()
        var changed = images
        switch field {
        case .data: changed[5].data[2] ^= 0x01
        case .updatedAt: changed[5].updatedAt = Timestamp(millisecondsSinceEpoch: changed[5].createdAt.millisecondsSinceEpoch + 1)
        case .disease: changed[5].disease = "Early Blight"
        case .isDeleted: changed[5].isDeleted = true
        default: Issue.record("no change defined for \(field)")
        }
        let report = try await pair.compare(producerImages: images, consumerImages: changed)
        let potato = try #require(report.plants.first)
        #expect((potato.producerCount, potato.consumerCount, potato.missing, potato.extra, potato.different) == (10, 10, 0, 0, 1))
        #expect(potato.details == [RecordDifference(kind: .different, id: 6, producerDigest: images[5].verificationDigest,
                                                    consumerDigest: changed[5].verificationDigest, fields: [field])])
        #expect(images[5].verificationDigest != changed[5].verificationDigest)
    }

    /// Page size 3 over 10 records: a missing, an extra and a changed record on page
    /// boundaries, and a consumer that runs past the producer's last page.
    @Test(arguments: StorePair.all) func smallPagesCompareCorrectly(pair: StorePair) async throws {
        let images = Image.tenRecords()
        var consumer = images.filter { $0.id != 3 && $0.id != 7 }
        consumer[3].cameraID = 99  // id 5
        consumer.append(Image.make(id: 12))
        consumer.append(Image.make(id: 13))
        let report = try await pair.compare(producerImages: images, consumerImages: consumer, pageSize: 3)
        let potato = try #require(report.plants.first)
        #expect((potato.producerCount, potato.consumerCount, potato.missing, potato.extra, potato.different) == (10, 10, 2, 2, 1))
        #expect(potato.details.map(\.id) == [3, 5, 7, 12, 13])
        #expect(potato.details.map(\.kind) == [.missing, .different, .missing, .extra, .extra])
        #expect(potato.details[1].fields == [.cameraID])
    }

    @Test(arguments: StorePair.all) func detailsAreCappedButAllDifferencesCounted(pair: StorePair) async throws {
        let images = Image.tenRecords()
        let report = try await pair.compare(producerImages: images, consumerImages: [], pageSize: 4, maxDetails: 2)
        let potato = try #require(report.plants.first)
        #expect((potato.missing, potato.undetailedCount) == (10, 8))
        #expect(potato.details.map(\.id) == [1, 2])
    }

    @Test func unreachableDatabaseThrows() async throws {
        try await TestStore.postgres.withRepository { producer in
            let consumer = try TestStore.postgres.unreachableRepository()
            let error = await #expect(throws: ImageError.self) {
                try await StoreComparison(producer: producer, consumer: consumer, logger: TestStore.logger).compare(plant: .potato)
            }
            await consumer.close()
            #expect(error?.code == .storeUnavailable)
        }
    }
}
