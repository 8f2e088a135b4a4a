import ImageModel
import StoreVerification
import Testing
import TestSupport

/// A producer store and a consumer store, each in a fresh namespace of its own real server.
struct StorePair: Sendable, CustomTestStringConvertible {
    let producer: TestStore
    let consumer: TestStore

    /// PG→PG, PG→Mongo, Mongo→PG, Mongo→Mongo.
    static let all = TestStore.allCases.flatMap { p in TestStore.allCases.map { StorePair(producer: p, consumer: $0) } }

    var testDescription: String { "\(producer.rawValue)→\(consumer.rawValue)" }

    /// Fills both sides of `plant` with `producerImages` and `consumerImages`, then compares all plants.
    func compare(plant: Plant = .potato, producerImages: [Image], consumerImages: [Image],
                 pageSize: Int = 200, maxDetails: Int = 20) async throws -> VerificationReport {
        var report: VerificationReport?
        try await producer.withRepository { producerRepository in
            try await consumer.withRepository { consumerRepository in
                if !producerImages.isEmpty { try await producerRepository.insert(plant: plant, producerImages) }
                if !consumerImages.isEmpty { try await consumerRepository.insert(plant: plant, consumerImages) }
                report = try await StoreComparison(producer: producerRepository, consumer: consumerRepository,
                                                   pageSize: pageSize, maxDetails: maxDetails, logger: TestStore.logger).compare()
            }
        }
        return try #require(report)
    }
}

extension Image {
    /// Ten distinct records with ids 1...10 (distinct data, cameras, diseases).
    static func tenRecords() -> [Image] {
        (1...10).map { (n: Int64) -> Image in
            let diagnosed = n % 4 == 0
            return Image.make(id: n, cameraID: n % 3 + 1, data: [0xFF, 0xD8, UInt8(n), 0xFF, 0xD9],
                              isActive: n % 2 == 0, disease: diagnosed ? "Late Blight" : nil, percentage: diagnosed ? 0.5 : nil,
                              createdAt: Timestamp(millisecondsSinceEpoch: 1_696_779_589_000 + n))
        }
    }
}
