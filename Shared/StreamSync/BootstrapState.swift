import Foundation
import ImageModel
import Kafka

/// What a bootstrap has done so far, stored in the consumer DB after every page
/// (`BootstrapStateStore`), so that a killed bootstrap resumes at its last stored page.
public struct BootstrapState: Sendable, Hashable, Codable {
    /// A partition's position recorded before the copy began: the group's start.
    public struct Position: Sendable, Hashable, Codable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
    }

    /// How far the copy of one plant has come.
    public struct PlantProgress: Sendable, Hashable, Codable {
        public var plant: Plant
        /// Every record with an id up to this one is copied.
        public var afterID: Int64 = 0
        public var copied: Int64 = 0
        /// The plant's record count when the bootstrap began (for the progress and ETA).
        public var total: Int64
        public var done = false
        /// Records the consumer DB refused for good (a constraint, a size): not copied, the
        /// others were. Optional so that states stored before it read as none.
        public var refused: Int64?
        /// The first `BootstrapState.refusalsKept` of them, with the database's reason.
        public var refusals: [Refusal]?
    }

    public struct Refusal: Sendable, Hashable, Codable {
        public var imageID: Int64
        public var reason: String
    }

    /// Refusals kept per plant: the state is stored after every page, so it stays small
    /// however many records a DB refuses; each one has its log line.
    public static let refusalsKept = 20

    /// The text format; a state of another format is refused rather than misread.
    public static let format = 1
    public var format = BootstrapState.format
    public var positions: [Position]
    public var plants: [PlantProgress]
    /// Milliseconds since the epoch.
    public var startedAt: Int64
    public var finishedAt: Int64?

    public init(positions: [KafkaTopicPartitionOffset], totals: [Plant: Int64], startedAt: Timestamp) {
        self.positions = positions.map { Position(topic: $0.topic, partition: $0.partition, offset: $0.offset) }
        plants = Plant.allCases.map { PlantProgress(plant: $0, total: totals[$0] ?? 0) }
        self.startedAt = startedAt.millisecondsSinceEpoch
    }

    public var copied: Int64 { plants.reduce(0) { $0 + $1.copied } }
    public var refused: Int64 { plants.reduce(0) { $0 + ($1.refused ?? 0) } }
    /// Records neither copied nor refused yet.
    public var remaining: Int64 { max(0, total - copied - refused) }
    public var total: Int64 { plants.reduce(0) { $0 + max($1.total, $1.copied + ($1.refused ?? 0)) } }
    public var offsets: [KafkaTopicPartitionOffset] {
        positions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: $0.offset) }
    }

    /// The stored text: JSON with sorted keys.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain values into JSON cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Reads a stored state.
    /// - Throws: `ImageError.invalidField` saying what does not read (another format, a plant
    ///   or a field missing or malformed).
    public init(text: String) throws(ImageError) {
        let decoded: BootstrapState
        do {
            decoded = try JSONDecoder().decode(BootstrapState.self, from: Data(text.utf8))
        } catch {
            throw ImageError.invalidField("bootstrap_state", "does not read: \(error)")
        }
        guard decoded.format == Self.format else {
            throw ImageError.invalidField("bootstrap_state", "is of format \(decoded.format), this release reads \(Self.format)")
        }
        guard Set(decoded.plants.map(\.plant)) == Set(Plant.allCases), decoded.plants.count == Plant.allCases.count else {
            throw ImageError.invalidField("bootstrap_state", "must hold the progress of each plant once")
        }
        self = decoded
    }
}
