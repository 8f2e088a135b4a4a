import ImageModel

/// Deterministic seed records: the same seed, plant and count give the same images.
public struct SeedImages: Sendable {
    public let jpegs: LeafJPEGs
    public let seed: UInt64

    public init(jpegs: LeafJPEGs, seed: UInt64) {
        self.jpegs = jpegs
        self.seed = seed
    }

    /// Images with ids `1...count` for `plant`, created over the 30 days before `now`: about a
    /// third active, a quarter diagnosed, 2% soft-deleted, cameras 1–10, positions around the
    /// LIMS example farm (48.48 N, 16.59 E).
    public func images(plant: Plant, count: Int, now: Timestamp) -> [Image] {
        var rng = SplitMix64(seed: seed ^ UInt64(Plant.allCases.firstIndex(of: plant)! + 1) &* 0x1000_0001)
        let files = jpegs.byPlant[plant] ?? []
        let start = now.millisecondsSinceEpoch - 30 * 86_400_000
        return (0..<count).map { index in
            let id = index + 1
            let created = Timestamp(millisecondsSinceEpoch: start + Int64.random(in: 0..<30 * 86_400_000, using: &rng))
            let diagnosed = Double.random(in: 0..<1, using: &rng) < 0.25
            return Image(
                id: Int64(id),
                cameraID: Int64.random(in: 1...10, using: &rng),
                data: files[Int.random(in: 0..<files.count, using: &rng)],
                gpsCoordinates: GPSCoordinates(latitude: (48.476563 + Double.random(in: -0.05...0.05, using: &rng)).rounded(toPlaces: 6),
                                               longitude: (16.585654 + Double.random(in: -0.05...0.05, using: &rng)).rounded(toPlaces: 6)),
                createdAt: created,
                updatedAt: created,
                isActive: Double.random(in: 0..<1, using: &rng) < 0.33,
                isDeleted: Double.random(in: 0..<1, using: &rng) < 0.02,
                disease: diagnosed ? plant.diseaseClasses.randomElement(using: &rng) : nil,
                percentage: diagnosed ? Double.random(in: 0.5...0.99, using: &rng).rounded(toPlaces: 2) : nil)
        }
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
