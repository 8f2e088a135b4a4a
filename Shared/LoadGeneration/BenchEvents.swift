import ImageModel
import Kafka
import SeedData
import StreamSync

/// The change events `sync-bench preload` sends, deterministic for a seed: `records` records spread over
/// the plants (record k belongs to plant k mod 3 and has id k / 3 + 1), created with 20–40 KB
/// JPEGs, then updated with small patches in rounds over all records, so that each record's
/// versions increase in the order they are sent.
public struct BenchEvents: Sendable {
    /// Sizes of the created JPEGs: the seed JPEGs (18–20 KB) padded with a comment segment.
    public static let imageSizes = 20 * 1024...40 * 1024

    public let records: Int
    public let topics: SyncTopics
    private let seeded: [Plant: [Image]]
    private let startMilliseconds: Int64

    public init(records: Int, jpegs: LeafJPEGs, seed: UInt64, topics: SyncTopics) {
        self.records = records
        self.topics = topics
        let now = Timestamp.now()
        startMilliseconds = now.millisecondsSinceEpoch
        let perPlant = (records + Plant.allCases.count - 1) / Plant.allCases.count
        let images = SeedImages(jpegs: jpegs, seed: seed)
        // The images share the few seed JPEGs' buffers: padding happens per message, so the
        // padded copies never all live at once.
        seeded = Dictionary(uniqueKeysWithValues: Plant.allCases.map { ($0, images.images(plant: $0, count: perPlant, now: now)) })
    }

    /// The plant and id of record `index`.
    public func record(_ index: Int) -> (plant: Plant, id: Int64) {
        let plants = Plant.allCases
        return (plants[index % plants.count], Int64(index / plants.count + 1))
    }

    /// The create of record `index`, its JPEG padded to a size spread over `imageSizes`.
    public func create(_ index: Int) -> KafkaOutgoingMessage {
        let (plant, id) = record(index)
        var image = seeded[plant]![Int(id) - 1]
        let sizes = Self.imageSizes
        // 7919 is prime: consecutive records get sizes spread over the whole range.
        let size = sizes.lowerBound + (index &* 7919) % sizes.count
        image.data = JPEGPadding.padded(image.data, to: size)
        return message(ChangeEvent(created: image, plant: plant, occurredAt: Timestamp.currentMicroseconds()))
    }

    /// Update number `index`: record `index mod records`, in round `index / records`, whose
    /// version is `firstVersion + round`. The patch sets the camera, the percentage and the
    /// active flag, and moves `updated_at` on by a millisecond per round.
    public func update(_ index: Int, firstVersion: Int64) -> KafkaOutgoingMessage {
        let (plant, id) = record(index % records)
        let round = Int64(index / records)
        let patch = ImagePatch(cameraID: Int64(index % 10 + 1), percentage: Double(index % 100) / 100,
                               isActive: round % 2 == 0,
                               updatedAt: Timestamp(millisecondsSinceEpoch: startMilliseconds + round + 1))
        let event = ChangeEvent(op: .update, plant: plant, imageID: id, version: firstVersion + round,
                                occurredAt: Timestamp.currentMicroseconds(), payload: .patch(patch))
        return message(event)
    }

    /// The message the relay of `image-api` would send for `event`: same topic, key and headers.
    private func message(_ event: ChangeEvent) -> KafkaOutgoingMessage {
        let entry = OutboxEntry(event)
        return KafkaOutgoingMessage(topic: topics.topic(for: event.plant), key: entry.key, value: entry.envelope,
                                    headers: entry.headers.map { KafkaHeader(name: $0.name, string: $0.value) })
    }
}
