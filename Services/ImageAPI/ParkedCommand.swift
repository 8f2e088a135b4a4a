import ArgumentParser
import ImageModel
import ImageStores
import Logging
import ServiceKit

/// `image-api parked list|retry|discard`: what the relay parked in the producer DB, and the
/// operator's two ways out, once the cause is fixed (a topic's limit raised, a permission
/// granted) or judged not worth fixing.
struct ParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parked",
        abstract: "List, retry or discard the change events the outbox relay parked.",
        subcommands: [List.self, Retry.self, Discard.self])

    /// The records an operator means; retry and discard want them named, or `--all`.
    struct Selection: ParsableArguments {
        @Option(help: "Only this plant's events: potato, tomato or pepper.")
        var plant: String?

        @Option(help: "Only this image's events (with --plant).")
        var id: Int64?

        @OptionGroup var store: StoreOptions

        func filter() throws -> ParkedFilter {
            let plant = try plant.map { name in
                guard let plant = Plant(rawValue: name) else { throw ValidationError("--plant must be potato, tomato or pepper, got \(name)") }
                return plant
            }
            if id != nil, plant == nil { throw ValidationError("--id needs --plant: ids are per plant") }
            return ParkedFilter(plant: plant, imageID: id)
        }

        /// Runs `body` on the producer DB named by the store options, closing it afterwards.
        func withOutbox<T>(_ body: (any SyncableImageRepository) async throws -> T) async throws -> T {
            let settings = try store.resolve(try ConfigurationSource())
            let logger = Logger(label: "image-api-parked")
            let repository = try ImageStore.make(url: settings.url, poolSize: 1, writesChangeEvents: true, logger: logger)
            do {
                // As a service starts: a database that is slow to answer or restarting is waited for.
                try await StartupRetry(deadline: settings.deadline).run(redactingPassword(settings.url), logger: logger) {
                    try await repository.ping()
                }
                try await repository.migrate()
                let result = try await body(repository)
                await repository.close()
                return result
            } catch {
                await repository.close()
                throw error
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the parked events, oldest first, one per line.")

        @OptionGroup var selection: Selection

        @Option(help: "At most this many events.")
        var limit = 100

        func run() async throws {
            let filter = try selection.filter()
            let (events, summary) = try await selection.withOutbox { outbox in
                (try await outbox.parkedEvents(filter, limit: max(limit, 1)), try await outbox.parkedSummary())
            }
            for event in events {
                let entry = event.entry
                print("\(entry.plant.rawValue) \(entry.imageID) version \(entry.version) \(entry.op.rawValue), \(entry.envelope.count) bytes,"
                      + " parked \(event.parkedAt) after \(event.attempts) attempt(s): \(event.reason)")
            }
            print("\(events.count) shown, \(summary.count) parked in all")
        }
    }

    /// The records retry and discard act on: named, or all of them, explicitly.
    struct Choice: ParsableArguments {
        @OptionGroup var selection: Selection

        @Flag(help: "Every parked event (instead of --plant/--id).")
        var all = false

        /// Runs `action` on the chosen records and prints how many events it moved as `outcome`.
        func apply(_ outcome: String, _ action: (any SyncableImageRepository, ParkedFilter) async throws -> Int) async throws {
            let filter = try selection.filter()
            guard all != (filter != .all) else { throw ValidationError("name the events with --plant [--id], or pass --all") }
            let count = try await selection.withOutbox { try await action($0, filter) }
            print("\(count) parked event(s) \(outcome)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the chosen records' parked events back to the outbox, in version order.",
            discussion: "A running image-api publishes them within its poll interval (1 s); one that still cannot parks them again with the new reason.")

        @OptionGroup var choice: Choice

        func run() async throws {
            try await choice.apply("moved back to the outbox") { try await $0.retryParked($1) }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the chosen records' parked events for good.",
            discussion: "The consumers never see these changes: compare the databases with verify and repair by hand if needed.")

        @OptionGroup var choice: Choice

        func run() async throws {
            try await choice.apply("discarded") { try await $0.discardParked($1) }
        }
    }
}
