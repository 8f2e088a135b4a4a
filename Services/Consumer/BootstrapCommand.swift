import ArgumentParser
import Foundation
import HTTP
import ImageModel
import ImageStores
import ServiceKit
import StreamOptions
import StreamSync

/// `consumer bootstrap`: fills a new or partial consumer DB from the producer DB while writes
/// go on, then sets the consumer group to start where the copy left off (`ConsumerBootstrap`).
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Copy the producer DB into the consumer DB while writes go on, then start the consumer group where the copy ends.",
        discussion: """
            Records where the plant topics end, copies every record in pages through the version guard (its progress \
            stored in the consumer DB after every page: killed, it resumes there), then commits the recorded positions \
            for the group. Run it while no consumer of the group runs; `consumer serve` waits for an unfinished one. \
            Serves /ping, /ready and /metrics meanwhile. \(ServerOptions.precedenceDiscussion)
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "The producer database to copy from, same forms as --store-url. Env LEAFSYNC_PRODUCER_URL.")
    var producerURL: String?

    @Option(help: "Kafka consumer group the consumer DB is bootstrapped for. Env LEAFSYNC_GROUP_ID. Default pepper-potato-tomato-group (as LIMS).")
    var groupID: String?

    @Option(help: "Image bytes a page of the copy aims at (1048576–268435456). Env LEAFSYNC_PAGE_BYTES. Default 8388608.")
    var pageBytes: Int?

    @Option(help: "Records copied per second at most, 0 for no limit (spares a busy producer DB). Env LEAFSYNC_MAX_RECORDS_PER_SECOND. Default 0.")
    var maxRecordsPerSecond: Int?

    @Option(help: "Seconds between progress lines (records, rate, ETA). Env LEAFSYNC_PROGRESS_INTERVAL. Default 5.")
    var progressInterval: Double?

    @Flag(help: "Bootstrap anew even if a bootstrap of this group finished (new positions, every record copied again).")
    var again = false

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8086)
        let host = ServiceHost("consumer-bootstrap", settings: settings)
        let source = settings.source
        guard let kafkaSettings = try kafka.resolve(source, clientID: "consumer-bootstrap") else {
            throw ValidationError("no broker: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
        }
        guard let producerURL = source.optionalString("producer_url", flag: producerURL) else {
            throw ValidationError("no producer database: set --producer-url or LEAFSYNC_PRODUCER_URL")
        }
        let pageBytes = try source.int("page_bytes", flag: pageBytes, default: 8 << 20)
        guard (1 << 20...256 << 20).contains(pageBytes) else { throw ValidationError("page bytes must be 1048576...268435456, got \(pageBytes)") }
        let rate = try source.int("max_records_per_second", flag: maxRecordsPerSecond, default: 0)
        guard rate >= 0 else { throw ValidationError("max records per second must be ≥ 0, got \(rate)") }
        let bootstrapSettings = ConsumerBootstrap.Settings(
            pageBytes: pageBytes, maxRecordsPerSecond: rate > 0 ? Double(rate) : nil,
            progressInterval: try source.seconds("progress_interval", flag: progressInterval, default: 5))
        let groupID = source.string("group_id", flag: groupID, default: ServeCommand.defaultGroupID)
        let storeSettings = try store.resolve(source)

        let logger = host.logger
        let producer = try ImageStore.make(url: producerURL, poolSize: 1, logger: logger)
        let replica = try ImageStore.make(url: storeSettings.url, poolSize: 1, logger: logger)
        let httpServer: HTTPServer
        do {
            try await host.waitFor("producer database \(producerURL)", deadline: storeSettings.deadline) { try await producer.ping() }
            try await host.waitFor("consumer database \(storeSettings.url)", deadline: storeSettings.deadline) { try await replica.ping() }
            try await replica.migrate()
            _ = try await kafkaSettings.prepareTopics(deadline: storeSettings.deadline, logger: logger)
            // A server for /metrics (the copy's progress) while the bootstrap runs; it ends with it.
            let router = host.router(protectsWrites: false) { nil }
            httpServer = HTTPServer(configuration: settings.httpConfiguration, responder: router.buildResponder(), logger: logger)
            let port = try httpServer.start()
            logger.info("listening", metadata: ["http.host": "\(settings.host)", "http.port": "\(port)"])
        } catch {
            await producer.close()
            await replica.close()
            throw error
        }
        let outcome = await Result {
            try await ConsumerBootstrap(producer: producer, replica: replica, kafka: kafkaSettings.configuration, groupID: groupID,
                                        topics: kafkaSettings.topics, settings: bootstrapSettings, logger: logger).run(again: again)
        }
        await httpServer.shutdown()
        await producer.close()
        await replica.close()
        let state = try outcome.get()
        let refused = state.refused == 0 ? "" : ", \(state.refused) refused by the consumer DB (see the log; not copied)"
        // From the recorded positions to the final commit; a resumed bootstrap's time includes its pause.
        let seconds = Double(max((state.finishedAt ?? state.startedAt) - state.startedAt, 0)) / 1000
        let perSecond = seconds > 0 ? String(format: " (%.0f records/s)", Double(state.copied) / seconds) : ""
        print("bootstrap of group \(groupID) finished: \(state.copied) records copied in \(String(format: "%.2f", seconds)) s "
            + "since it began\(perSecond)\(refused); the group starts at " + state.offsets.map(\.description).joined(separator: ","))
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
