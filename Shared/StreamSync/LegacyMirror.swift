import ImageModel
import Kafka

/// Publishes every change a second time in the LIMS legacy format, as LIMS's Image API did:
/// the whole record as LIMS image JSON (hex `data` included, no envelope), keyed by image id,
/// on topics of its own. For LIMS-era consumers during a migration, and for the bandwidth
/// experiment's "stream, legacy format" variant, which must carry the same changes.
///
/// The record is read back from the producer DB when it is published, so a message carries
/// the record as it is then (possibly with later changes folded in). Legacy consumers order by
/// `updated_at`, so that is harmless; a change is never published in this format before its
/// event was.
public struct LegacyMirror: Sendable {
    let producer: KafkaProducer
    let topics: SyncTopics
    let records: any ImageRepository

    /// - Parameters:
    ///   - producer: its own producer, so the mirror's brokers may differ from the events'.
    ///   - records: the producer DB, to read the whole records.
    public init(producer: KafkaProducer, topics: SyncTopics, records: any ImageRepository) {
        self.producer = producer
        self.topics = topics
        self.records = records
    }

    /// Publishes one legacy message per entry and waits for the broker's acknowledgements.
    /// - Returns: the bytes of each entry's message, in order (0 for a record that no longer
    ///   exists, which is then not published).
    func publish(_ entries: [OutboxEntry]) async throws -> [Int] {
        var messages: [KafkaOutgoingMessage] = []
        var sizes: [Int] = []
        for entry in entries {
            guard let record = try await records.image(plant: entry.plant, id: entry.imageID) else {
                sizes.append(0)
                continue
            }
            let value = record.jsonBytes
            sizes.append(value.count)
            messages.append(KafkaOutgoingMessage(topic: topics.topic(for: entry.plant), key: entry.key, value: value))
        }
        _ = try await producer.send(messages)
        return sizes
    }
}
