import ImageModel
import Primitives
import SeedData
import Synchronization

/// A job's random choices, reproducible with `--seed`: each job draws from its own generator
/// (seeded from the seed and the job's name), so one job's pace does not change another's picks.
final class Randomness: Sendable {
    private let generator: Mutex<SplitMix64>

    init(seed: UInt64, stream: String) {
        generator = Mutex(SplitMix64(seed: seed ^ stream.utf8.fnv1a))
    }

    func int(in range: ClosedRange<Int>) -> Int {
        generator.withLock { Int.random(in: range, using: &$0) }
    }

    func double(in range: Range<Double>) -> Double {
        generator.withLock { Double.random(in: range, using: &$0) }
    }

    /// The plants in a random order: the first is "a random plant", the rest are fallbacks.
    func plants() -> [Plant] {
        generator.withLock { Plant.allCases.shuffled(using: &$0) }
    }

    /// A position near the LIMS sample coordinates (Lower Austria), six decimals as LIMS stored.
    func gps() -> (latitude: Double, longitude: Double) {
        let latitude = (double(in: 47.5..<49.0) * 1e6).rounded() / 1e6
        let longitude = (double(in: 15.0..<17.5) * 1e6).rounded() / 1e6
        return (latitude, longitude)
    }
}
