import ArgumentParser
import ImageModel
import ImageStores
import Logging
import SeedData
import ServiceKit

/// `seeder`: fills a producer database with deterministic leaf images, like LIMS's 2,000 per plant.
@main
struct SeederCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seeder",
        abstract: "Fill an image database with N synthetic leaf images per plant (real JPEG bytes), deterministically.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Images per plant.")
    var perPlant: Int = 2000

    @Option(help: "Random seed: the same seed gives the same records.")
    var seed: UInt64 = 42

    @Flag(help: "Remove every existing record first.")
    var reset = false


    @Option(help: "Folder of <plant>-NN.jpg files; default: the JPEGs built into the seeder.")
    var jpegDir: String?

    @Option(help: "Records are created in the 30 days before this UTC time (2026-11-23T12:00:00); default now. Seeding two databases with the same seed and time makes them equal.")
    var createdBefore: String?

    func run() async throws {
        _ = Observability.bootstrap(level: .info)
        let logger = Logger(label: "seeder")
        let settings = try store.resolve(try ConfigurationSource())
        guard perPlant >= 0 else { throw ValidationError("--per-plant must be ≥ 0") }
        let repository = try ImageStore.make(url: settings.url, poolSize: settings.poolSize, logger: logger)
        try await StartupRetry(deadline: settings.deadline).run(redactingPassword(settings.url), logger: logger) {
            try await repository.ping()
        }
        try await repository.migrate()
        if reset { try await repository.removeAll() }
        let images = SeedImages(jpegs: try LeafJPEGs(directory: jpegDir), seed: seed)
        var now = Timestamp.now()
        if let createdBefore {
            guard let time = Timestamp(iso8601: createdBefore) else {
                throw ValidationError("--created-before: expected a time like 2026-11-23T12:00:00, got \(createdBefore)")
            }
            now = time
        }
        let clock = ContinuousClock()
        for plant in Plant.allCases {
            let started = clock.now
            let records = images.images(plant: plant, count: perPlant, now: now)
            for start in stride(from: 0, to: records.count, by: 250) {
                try await repository.insert(plant: plant, Array(records[start..<min(start + 250, records.count)]))
            }
            let bytes = records.reduce(0) { $0 + $1.data.count }
            logger.info("seeded", metadata: ["image.plant": "\(plant.rawValue)", "images": "\(records.count)",
                                             "bytes": "\(bytes)", "duration": "\(started.duration(to: clock.now))"])
        }
        try await repository.setDeployed()
        await repository.close()
        logger.info("done", metadata: ["store.url": "\(redactingPassword(settings.url))"])
    }
}
