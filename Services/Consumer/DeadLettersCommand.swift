import ArgumentParser
import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import ServiceKit
import StreamOptions
import StreamSync

/// `consumer dead-letters list|replay`: what the consumer dead-lettered, and the way back once
/// the cause is fixed (a constraint lifted, a create replayed, a bug in the decoder fixed).
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List the dead-letter topic's messages, or replay chosen ones into the consumer DB.",
        subcommands: [List.self, Replay.self])

    /// The letters an operator means, and where to read them.
    struct Selection: ParsableArguments {
        @Option(help: "Only letters whose reason contains this text (case-insensitive).")
        var reason: String?

        @Option(help: "Only letters that came from this topic.")
        var topic: String?

        @Option(help: "Only letters of this plant's topic: potato, tomato or pepper.")
        var plant: String?

        @Option(help: "Only letters dead-lettered at or after this UTC time (2026-12-05T17:00:00).")
        var since: String?

        @Option(help: "Only letters dead-lettered before this UTC time.")
        var until: String?

        @Option(help: "Only this letter, as partition:offset of the dead-letter topic (repeatable).")
        var letter: [String] = []

        @Option(help: "Seconds to read the dead-letter topic to its end.")
        var readTimeout = 60

        @OptionGroup var kafka: KafkaOptions

        func filter() throws -> DeadLetterFilter {
            func time(_ text: String?, _ flag: String) throws -> Timestamp? {
                try text.map { text in
                    guard let time = Timestamp(iso8601: text) else { throw ValidationError("\(flag) must be a UTC time like 2026-12-05T17:00:00, got \(text)") }
                    return time
                }
            }
            let plant = try plant.map { name in
                guard let plant = Plant(rawValue: name) else { throw ValidationError("--plant must be potato, tomato or pepper, got \(name)") }
                return plant
            }
            for id in letter where id.split(separator: ":").count != 2 || id.split(separator: ":").contains(where: { Int64($0) == nil }) {
                throw ValidationError("--letter must be partition:offset, got \(id)")
            }
            return DeadLetterFilter(reason: reason, topic: topic, plant: plant, since: try time(since, "--since"),
                                    until: try time(until, "--until"), ids: Set(letter))
        }

        /// The letters of the dead-letter topic that match, in the topic's order.
        func read(_ source: ConfigurationSource) async throws -> (letters: [DeadLetterRecord], total: Int, settings: KafkaSettings) {
            let filter = try filter()
            guard let settings = try kafka.resolve(source, clientID: "consumer-dead-letters") else {
                throw ValidationError("no broker: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
            }
            guard readTimeout >= 1 else { throw ValidationError("--read-timeout must be at least 1 second") }
            let messages = try await KafkaTopicReader.readAll(topic: settings.topics.deadLetter, configuration: settings.configuration,
                                                              timeout: .seconds(readTimeout), logger: Logger(label: "consumer-dead-letters"))
            let records = messages.map(DeadLetterRecord.init).filter { filter.matches($0, topics: settings.topics) }
            return (records, messages.count, settings)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the matching dead letters, one per line, in the topic's order.")

        @OptionGroup var selection: Selection

        @Option(help: "At most this many letters.")
        var limit = 100

        func run() async throws {
            let (letters, total, _) = try await selection.read(try ConfigurationSource())
            for record in letters.prefix(max(limit, 1)) {
                print(describe(record))
            }
            print("\(min(letters.count, max(limit, 1))) shown, \(letters.count) match, \(total) in the dead-letter topic")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the matching dead letters to the consumer DB through the version guard.",
            discussion: """
                Each letter is decoded and applied as the consumer would: applied, stale (the DB holds it or something \
                newer: replaying twice changes nothing), waiting (its record is not there yet; it waits as the consumer's \
                do) or rejected with the reason. Letters stay in the topic. Exits non-zero if any was rejected.
                """)

        @OptionGroup var selection: Selection
        @OptionGroup var store: StoreOptions

        @Flag(help: "Every letter of the topic (instead of a filter).")
        var all = false

        func run() async throws {
            let source = try ConfigurationSource()
            guard all != !(try selection.filter().isEmpty) else {
                throw ValidationError("choose letters with --reason, --topic, --plant, --since, --until or --letter, or pass --all")
            }
            let (letters, _, settings) = try await selection.read(source)
            let storeSettings = try store.resolve(source)
            let logger = Logger(label: "consumer-dead-letters")
            let replica = try ImageStore.make(url: storeSettings.url, poolSize: 1, logger: logger)
            let outcomes: [ReplayOutcome]
            do {
                // As a service starts: a database that is slow to answer or restarting is waited for.
                try await StartupRetry(deadline: storeSettings.deadline).run(redactingPassword(storeSettings.url), logger: logger) {
                    try await replica.ping()
                }
                try await replica.migrate()
                outcomes = try await DeadLetterReplay(replica: replica, topics: settings.topics).replay(letters)
                await replica.close()
            } catch {
                await replica.close()
                throw error
            }
            var counts: [String: Int] = [:]
            for (record, outcome) in zip(letters, outcomes) {
                let word = switch outcome {
                case .applied: "applied"
                case .stale: "stale"
                case .waiting: "waiting"
                case .rejected: "rejected"
                }
                counts[word, default: 0] += 1
                if case .rejected(let reason) = outcome {
                    print("\(record.id) rejected: \(printable(reason))")
                } else {
                    print("\(record.id) \(word)")
                }
            }
            print(["applied", "stale", "waiting", "rejected"].map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            if counts["rejected"] != nil { throw ExitCode.failure }
        }
    }
}

/// `partition:offset time original-topic[partition]@offset key=… N bytes: reason`, on one line
/// whatever bytes a foreign key or reason holds.
private func describe(_ record: DeadLetterRecord) -> String {
    let when = record.deadLetteredAt.map(String.init(describing:)) ?? "-"
    let origin = record.original.map { "\(printable($0.topic))[\($0.partition)]@\($0.offset)" } ?? "unknown origin"
    let key = record.letter.key.map { printable(String(decoding: $0.prefix(64), as: UTF8.self)) } ?? "-"
    let size = record.truncatedFrom.map { "\($0) bytes (cut)" } ?? "\(record.letter.value?.count ?? 0) bytes"
    return "\(record.id) \(when) \(origin) key=\(key) \(size): \(printable(record.reason))"
}

private func printable(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
}
