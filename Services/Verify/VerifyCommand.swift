import ArgumentParser
import Foundation
import ImageModel
import ImageStores
import Logging
import ServiceKit
import StoreVerification

/// `verify`: compares a producer and a consumer database plant by plant and prints the
/// differences. Exit status 0 when equal, 1 when different, 2 when it could not compare.
@main
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare the producer and consumer image databases (PostgreSQL or MongoDB on either side), plant by plant.",
        discussion: """
        Counts the records of each plant on both sides and compares every LIMS field of every \
        record (data included; not the internal version), reading both sides in pages by id. \
        Prints one line per plant and the first differences with the records' 64-bit digests. \
        Exit status: 0 equal, 1 different, 2 a database unreachable or an argument invalid. \
        Options can also be set by LEAFSYNC_<OPTION> (e.g. LEAFSYNC_PRODUCER_URL).
        """)

    @Option(help: "The producer database: postgres://user:pass@host:port/db or mongodb://host:port/db. Env LEAFSYNC_PRODUCER_URL.")
    var producerURL: String?

    @Option(help: "The consumer database, same forms. Env LEAFSYNC_CONSUMER_URL.")
    var consumerURL: String?

    @Option(name: .customLong("plant"), help: "A plant to compare (potato, tomato, pepper); repeat for several. Default: all.")
    var plants: [String] = []

    @Option(help: "Records read per page from each side, 1–1000. Env LEAFSYNC_PAGE_SIZE. Default 200.")
    var pageSize: Int?

    @Option(help: "Differences per plant listed in detail; all are counted. Env LEAFSYNC_MAX_DETAILS. Default 20.")
    var maxDetails: Int?

    @Flag(help: "Print the report as JSON instead of text.")
    var json = false

    @Option(help: "Compare a live system: seconds a change may take to reach the consumer DB; differences still there after it are reported, and at once those no change in flight explains (a record nobody changed within it, same version with other fields, a consumer ahead). Versions must agree too (a stream-synced consumer). Env LEAFSYNC_STALENESS_ALLOWANCE. Default off.")
    var stalenessAllowance: Double?

    @Flag(help: "With --staleness-allowance: mend each difference that stays by publishing the producer's record again, as a new version, through its outbox.")
    var repair = false

    @Option(help: "Seconds to keep retrying an unreachable database before exiting 2. Env LEAFSYNC_STORE_DEADLINE. Default 10.")
    var storeDeadline: Double?

    @Option(help: "trace, debug, info, notice, warning, error or critical (logs go to stderr). Env LEAFSYNC_LOG_LEVEL. Default info.")
    var logLevel: String?

    /// ArgumentParser's own `main` exits 64 on a usage error; ours keeps the promised statuses:
    /// 0 equal (or help), 1 different, 2 anything that stopped the comparison.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    func run() async throws {
        let source = try ConfigurationSource()
        let levelText = source.string("log_level", flag: logLevel, default: "info")
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard let producerURL = source.optionalString("producer_url", flag: producerURL),
              let consumerURL = source.optionalString("consumer_url", flag: consumerURL) else {
            throw ValidationError("two databases needed: set --producer-url and --consumer-url (or LEAFSYNC_PRODUCER_URL, LEAFSYNC_CONSUMER_URL)")
        }
        let pageSize = try source.int("page_size", flag: pageSize, default: 200)
        let maxDetails = try source.int("max_details", flag: maxDetails, default: 20)
        guard (1...1000).contains(pageSize) else { throw ValidationError("--page-size must be 1–1000, not \(pageSize)") }
        guard maxDetails >= 0 else { throw ValidationError("--max-details must be ≥ 0, not \(maxDetails)") }
        var seen = Set<Plant>()
        let selected = try (plants.isEmpty ? Plant.allCases : plants.map { try Plant(validating: $0) }).filter { seen.insert($0).inserted }
        let deadline = try source.seconds("store_deadline", flag: storeDeadline, default: 10)
        let allowance = try source.optionalSeconds("staleness_allowance", flag: stalenessAllowance)
        guard !repair || allowance != nil else { throw ValidationError("--repair needs --staleness-allowance: only a live comparison tells a difference from a change in flight") }

        _ = Observability.bootstrap(level: level)
        let logger = Logger(label: "verify")
        let producer = try await Self.connect("producer", url: producerURL, deadline: deadline, logger: logger)
        let consumer: any SyncableImageRepository
        do {
            consumer = try await Self.connect("consumer", url: consumerURL, deadline: deadline, logger: logger)
        } catch {
            await producer.close()
            throw error
        }
        let comparison = StoreComparison(producer: producer, consumer: consumer, pageSize: pageSize, maxDetails: maxDetails,
                                         allowance: allowance, repair: repair ? OutboxRepair(producer: producer, logger: logger).callAsFunction : nil, logger: logger)
        let report: VerificationReport
        do {
            report = try await comparison.compare(plants: selected)
        } catch {
            await producer.close()
            await consumer.close()
            throw VerifyError(message: "comparing \(redactingPassword(producerURL)) with \(redactingPassword(consumerURL)) failed: \(error)")
        }
        await producer.close()
        await consumer.close()
        FileHandle.standardOutput.write(Data(json ? report.json + [UInt8(ascii: "\n")] : Array(report.text.utf8)))
        if !report.isEqual { throw ExitCode(1) }
    }

    /// A repository for `url` that answers, waited for until `deadline`.
    /// - Throws: `StartupError` naming the side and the URL without its password.
    private static func connect(_ side: String, url: String, deadline: Duration, logger: Logger) async throws -> any SyncableImageRepository {
        let repository: any SyncableImageRepository
        do {
            repository = try ImageStore.make(url: url, poolSize: 1, logger: logger)
        } catch {
            throw VerifyError(message: "\(side) database \(redactingPassword(url)): \(error)")
        }
        do {
            try await StartupRetry(deadline: deadline).run("\(side) database \(redactingPassword(url))", logger: logger) {
                try await repository.ping()
            }
        } catch {
            await repository.close()
            throw error
        }
        return repository
    }
}

/// Why the comparison could not be made; the message names the database without its password.
struct VerifyError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
