import ImageModel

/// What `StoreComparison` found: one `PlantReport` per compared plant.
public struct VerificationReport: Sendable, Hashable {
    public var plants: [PlantReport]

    public init(plants: [PlantReport]) { self.plants = plants }

    /// True when every compared plant holds the same records on both sides.
    public var isEqual: Bool { plants.allSatisfy(\.isEqual) }
}

/// The comparison of one plant: counts on each side, how many records are missing from the
/// consumer, extra in it or different, and the first few of those in detail.
public struct PlantReport: Sendable, Hashable {
    public var plant: Plant
    public var producerCount: Int64 = 0
    public var consumerCount: Int64 = 0
    /// Records only in the producer.
    public var missing: Int64 = 0
    /// Records only in the consumer.
    public var extra: Int64 = 0
    /// Records on both sides whose fields (or, compared live, versions) differ.
    public var different: Int64 = 0
    /// Compared live: differences seen on the first read that were gone (changes in flight)
    /// once the staleness allowance had passed; not counted above.
    public var settled: Int64 = 0
    /// Differences mended by publishing the producer's record again (`--repair`).
    public var repaired: Int64 = 0
    /// The first differences in id order, at most the comparison's `maxDetails`.
    public var details: [RecordDifference] = []

    public init(plant: Plant) { self.plant = plant }

    public var isEqual: Bool { missing == 0 && extra == 0 && different == 0 }
    /// Every difference, shown or not.
    public var differenceCount: Int64 { missing + extra + different }
    /// Differences counted but not listed in `details`.
    public var undetailedCount: Int64 { differenceCount - Int64(details.count) }
}

/// One record that is not the same on both sides.
public struct RecordDifference: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Only in the producer.
        case missing
        /// Only in the consumer.
        case extra
        /// On both sides, with other values in `fields`.
        case different
    }

    public var kind: Kind
    public var id: Int64
    /// `Image.verificationDigest` of the producer's record; nil when it has none (`extra`).
    public var producerDigest: UInt64?
    /// `Image.verificationDigest` of the consumer's record; nil when it has none (`missing`).
    public var consumerDigest: UInt64?
    /// The fields that differ; empty unless `kind` is `.different`.
    public var fields: [ImageField]
    /// The records' versions, shown when compared live (where versions must agree).
    public var producerVersion: Int64?
    public var consumerVersion: Int64?

    public init(kind: Kind, id: Int64, producerDigest: UInt64?, consumerDigest: UInt64?, fields: [ImageField] = [],
                producerVersion: Int64? = nil, consumerVersion: Int64? = nil) {
        self.kind = kind
        self.id = id
        self.producerDigest = producerDigest
        self.consumerDigest = consumerDigest
        self.fields = fields
        self.producerVersion = producerVersion
        self.consumerVersion = consumerVersion
    }

    /// The difference between a producer's and a consumer's record (either may be absent);
    /// nil when they are the same. `versions`: whether the versions must agree too.
    public init?(id: Int64, producer: Image?, consumer: Image?, versions: Bool) {
        switch (producer, consumer) {
        case (nil, nil):
            return nil
        case (let p?, nil):
            self.init(kind: .missing, id: id, producerDigest: p.verificationDigest, consumerDigest: nil,
                      producerVersion: versions ? p.version : nil)
        case (nil, let c?):
            self.init(kind: .extra, id: id, producerDigest: nil, consumerDigest: c.verificationDigest,
                      consumerVersion: versions ? c.version : nil)
        case (let p?, let c?):
            let fields = p.differingFields(from: c)
            guard !fields.isEmpty || (versions && p.version != c.version) else { return nil }
            self.init(kind: .different, id: id, producerDigest: p.verificationDigest, consumerDigest: c.verificationDigest,
                      fields: fields, producerVersion: versions ? p.version : nil, consumerVersion: versions ? c.version : nil)
        }
    }

    /// A digest as 16 lowercase hex digits, as the reports show it.
    public static func hex(_ digest: UInt64) -> String {
        let digits = String(digest, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
