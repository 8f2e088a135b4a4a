import Foundation
import ImageModel

/// The committed synthetic leaf JPEGs (see `scripts/make-jpegs.sh`), by plant.
public struct LeafJPEGs: Sendable {
    public let byPlant: [Plant: [[UInt8]]]

    /// Loads `<plant>-NN.jpg` from the module's resources, or from `directory` when given
    /// (a deployment that ships the files elsewhere).
    /// - Throws: `SeedError` when a plant has no JPEG.
    public init(directory: String? = nil) throws {
        let folder = directory ?? Bundle.module.resourcePath.map { "\($0)/jpegs" } ?? "jpegs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var byPlant: [Plant: [[UInt8]]] = [:]
        for plant in Plant.allCases {
            let files = names.filter { $0.hasPrefix("\(plant.rawValue)-") && $0.hasSuffix(".jpg") }.sorted()
            let images = files.compactMap { FileManager.default.contents(atPath: "\(folder)/\($0)").map(Array.init) }
            guard !images.isEmpty else { throw SeedError(message: "no \(plant.rawValue)-*.jpg in \(folder)") }
            byPlant[plant] = images
        }
        self.byPlant = byPlant
    }
}

/// Seed data could not be prepared.
public struct SeedError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
