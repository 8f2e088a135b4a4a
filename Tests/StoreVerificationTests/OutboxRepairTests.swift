import ImageModel
import InMemoryLogging
import Logging
import StoreVerification
import Testing
import TestSupport

/// `verify --repair`'s repair on every store as the producer, against the real servers: what
/// each kind of difference puts in the producer's outbox, and the line it logs.
@Suite struct OutboxRepairTests {
    @Test(arguments: TestStore.allCases) func eachDifferenceBecomesAnEventInTheProducersOutbox(store: TestStore) async throws {
        var handler = InMemoryLogHandler()
        handler.logLevel = .notice
        let log = handler
        let logger = Logger(label: "OutboxRepairTests") { _ in log }
        try await store.withRepository(writesChangeEvents: true) { producer in
            try await producer.insert(plant: .potato, [Image.make(id: 1, version: 4)])
            let repair = OutboxRepair(producer: producer, logger: logger)
            func difference(_ kind: RecordDifference.Kind, _ id: Int64, consumer version: Int64?) -> RecordDifference {
                RecordDifference(kind: kind, id: id, producerDigest: nil, consumerDigest: nil, producerVersion: nil, consumerVersion: version)
            }
            // Behind (or rolled back): published again above both versions.
            #expect(try await repair(.potato, difference(.different, 1, consumer: 7)))
            // Only in the consumer: a purge of the version it holds.
            #expect(try await repair(.potato, difference(.extra, 2, consumer: 3)))
            // "Extra" on the first read, but the producer has it by now: published, not purged.
            #expect(try await repair(.potato, difference(.extra, 1, consumer: 1)))
            // Nowhere to publish from.
            #expect(try await !repair(.potato, difference(.missing, 3, consumer: nil)))

            let entries = try await producer.pendingChanges(limit: 10)
            let events = try entries.map { try ChangeEvent(envelope: $0.envelope) }
            let summary = events.map { "\($0.op.rawValue) \($0.imageID) v\($0.version)" }.sorted()
            #expect(summary == ["purge 2 v0", "repair 1 v8", "repair 1 v9"], "\(summary)")
            #expect(events.contains { $0.op == .purge && $0.payload == .removal(version: 3) })
            #expect(try await producer.image(plant: .potato, id: 1)?.version == 9)
        }
        let lines = log.entries.map { "\($0.message)" }
        #expect(lines.filter { $0 == "repaired: the producer's record published again" }.count == 2)
        #expect(lines.filter { $0 == "repaired: a purge of the consumer's record published" }.count == 1)
        #expect(lines.filter { $0 == "not repaired: the producer has no such record" }.count == 1)
    }
}
