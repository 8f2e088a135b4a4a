import ArgumentParser
import Foundation
import Kafka
import LoadGeneration
import Logging
import SeedData
import ServiceKit
import StreamOptions
import StreamSync

/// `sync-bench preload`: fills the plant topics with `BenchEvents` through `EventPreload`, as
/// fast as the broker takes them.
struct PreloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preload",
        abstract: "Produce N create events (records spread over the plants, 20–40 KB JPEGs) and/or M small update events.",
        discussion: """
        Record k is plant k mod 3 with id k / 3 + 1. Creates cover records 0..<N. Updates cycle \
        over --records records in rounds, version --first-version + round, so each record's \
        versions increase in send order; a batch is sent only after every batch that may hold \
        the same records was acknowledged. Prints one line with the counts, bytes and rate.
        """)

    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Create events to send (records 0..<N), each with a 20–40 KB JPEG.")
    var creates: Int = 0

    @Option(help: "Update events to send (no image data), cycling over --records records.")
    var updates: Int = 0

    @Option(help: "Records the updates cycle over (they must exist: create them first). Default: --creates, else 20000.")
    var records: Int?

    @Option(help: "Version of the first round of updates; creates are version 1.")
    var firstVersion: Int64 = 2

    @Option(help: "Create events per producer batch.")
    var createBatch: Int = 200

    @Option(help: "Update events per producer batch (lowered to --records / --window, to keep versions in order).")
    var updateBatch: Int = 10_000

    @Option(help: "Batches in flight at once.")
    var window: Int = 2

    @Option(help: "Seed of the records' values (the seeder's default is 42).")
    var seed: UInt64 = 42

    @Option(help: "trace, debug, info, notice, warning, error or critical (logs go to stderr).")
    var logLevel: String = "warning"

    func validate() throws {
        guard creates >= 0, updates >= 0, creates + updates > 0 else { throw ValidationError("give --creates and/or --updates > 0") }
        guard (records ?? 1) >= 1 else { throw ValidationError("--records must be at least 1") }
        guard createBatch >= 1, updateBatch >= 1, window >= 1 else { throw ValidationError("batches and window must be at least 1") }
        guard firstVersion >= 2 else { throw ValidationError("--first-version must be at least 2 (creates are version 1)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a level") }
    }

    func run() async throws {
        _ = Observability.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .warning)
        let logger = Logger(label: "sync-bench")
        guard var settings = try kafka.resolve(try ConfigurationSource(), clientID: "sync-bench") else {
            throw ValidationError("no broker: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
        }
        settings.configuration.statisticsInterval = nil
        try await settings.prepareTopics(deadline: .seconds(30), logger: logger)
        let recordCount = records ?? (creates > 0 ? creates : 20_000)
        let events = BenchEvents(records: max(recordCount, creates), jpegs: try LeafJPEGs(), seed: seed, topics: settings.topics)
        let producer = try KafkaProducer(configuration: settings.configuration, logger: logger)
        let preload = EventPreload(producer: producer, window: window)
        do {
            if creates > 0 {
                print(try await preload.send(creates, batchSize: createBatch) { events.create($0) }.line("create"))
            }
            if updates > 0 {
                let batchSize = max(1, min(updateBatch, recordCount / window))
                let first = firstVersion
                print(try await preload.send(updates, batchSize: batchSize) { events.update($0, firstVersion: first) }.line("update"))
            }
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
    }
}
