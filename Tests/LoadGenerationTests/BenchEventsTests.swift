import ImageModel
import Kafka
@testable import LoadGeneration
import Logging
import SeedData
import StreamSync
import Testing
import TestSupport

/// The events `sync-bench preload` sends: valid envelopes of their records, deterministic, with
/// JPEGs of the sizes it promises; and through `EventPreload`, all of them on the real broker.
@Suite struct BenchEventsTests {
    static let topics = SyncTopics(prefix: "bench-events-")

    @Test func createsAreTheirRecordsWithJPEGsOfTheBenchmarkSizes() throws {
        let events = BenchEvents(records: 9, jpegs: try LeafJPEGs(), seed: 42, topics: Self.topics)
        for index in 0..<9 {
            let message = events.create(index)
            let event = try ChangeEvent(envelope: try #require(message.value))
            let (plant, id) = events.record(index)
            #expect(event.op == .create && event.version == 1 && event.plant == plant && event.imageID == id)
            #expect(message.topic == "bench-events-\(plant.rawValue)" && message.key == Array(String(id).utf8))
            guard case .record(let image) = event.payload else { Issue.record("a create carries its record"); continue }
            #expect(BenchEvents.imageSizes.contains(image.data.count) && image.data.starts(with: [0xFF, 0xD8]))
        }
        // Equal seeds, equal records (their times are the moment the events were made).
        let again = BenchEvents(records: 9, jpegs: try LeafJPEGs(), seed: 42, topics: Self.topics)
        func record(_ events: BenchEvents) throws -> Image? {
            guard case .record(let image) = try ChangeEvent(envelope: events.create(4).value!).payload else { return nil }
            return image
        }
        let (first, second) = (try #require(try record(events)), try #require(try record(again)))
        #expect(first.data == second.data && first.cameraID == second.cameraID && first.gpsCoordinates == second.gpsCoordinates)
    }

    /// Round r over the records has version firstVersion + r, so each record's versions
    /// increase in send order.
    @Test func updatesRaiseEachRecordsVersionRoundByRound() throws {
        let events = BenchEvents(records: 3, jpegs: try LeafJPEGs(), seed: 42, topics: Self.topics)
        let decoded = try (0..<9).map { try ChangeEvent(envelope: events.update($0, firstVersion: 2).value!) }
        #expect(decoded.map(\.version) == [2, 2, 2, 3, 3, 3, 4, 4, 4])
        #expect(decoded.map(\.imageID) == [1, 1, 1, 1, 1, 1, 1, 1, 1] && decoded.prefix(3).map(\.plant) == Plant.allCases)
        let updatedAt = decoded.compactMap { event -> Timestamp? in
            guard case .patch(let patch) = event.payload else { return nil }
            return patch[.updatedAt]?.timestamp
        }
        #expect(updatedAt.count == 9 && updatedAt[0] < updatedAt[3] && updatedAt[3] < updatedAt[6])
    }

    @Test(arguments: [20 * 1024, 20 * 1024 + 1, 30_000, 40 * 1024, 200_000])
    func paddingReachesTheSizeWithCommentSegmentsOnly(size: Int) throws {
        let jpeg = try #require(try LeafJPEGs().byPlant[.potato]?.first)
        let padded = JPEGPadding.padded(jpeg, to: size)
        #expect(padded.count == size)
        // SOI, then COM segments (FF FE, length counting itself), then the JPEG after its SOI.
        var offset = 2
        while padded[offset] == 0xFF, padded[offset + 1] == 0xFE {
            offset += 2 + Int(padded[offset + 2]) << 8 + Int(padded[offset + 3])
        }
        #expect(Array(padded[..<2]) == [0xFF, 0xD8] && Array(padded[offset...]) == Array(jpeg[2...]))
    }

    @Test func whatIsNotAJPEGOrAlreadyLargeEnoughIsLeftAsItIs() throws {
        let jpeg = try #require(try LeafJPEGs().byPlant[.potato]?.first)
        #expect(JPEGPadding.padded([1, 2, 3], to: 1_000) == [1, 2, 3])
        #expect(JPEGPadding.padded(jpeg, to: jpeg.count + 3) == jpeg)
    }

    @Test func preloadPutsEveryEventOnTheBroker() async throws {
        let logger = Logger(label: "BenchEventsTests", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = KafkaConfiguration(bootstrapServers: try TestKafka.brokers(), clientID: "bench-events-tests")
        let topics = SyncTopics(prefix: "bench-events-\(UInt32.random(in: 0...UInt32.max))-", partitions: 1)
        try await KafkaAdmin(configuration: configuration, logger: logger)
            .createTopics(topics.plantTopics.map { KafkaNewTopic(name: $0, partitions: 1) })
        let events = BenchEvents(records: 30, jpegs: try LeafJPEGs(), seed: 7, topics: topics)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let sent = try await EventPreload(producer: producer, window: 2).send(30, batchSize: 7) { events.create($0) }
        await producer.close()
        #expect(sent.messages == 30 && sent.bytes >= 30 * BenchEvents.imageSizes.lowerBound)
        #expect(sent.line("create").hasPrefix("preload: 30 create events, "))
        for topic in topics.plantTopics {
            let messages = try await KafkaTopicReader.readAll(topic: topic, configuration: configuration, timeout: .seconds(30), logger: logger)
            #expect(messages.count == 10, "\(topic)")
        }
    }
}
