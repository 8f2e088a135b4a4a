import ImageModel
import ImageRoutes
import ImageStores
import Kafka
import Routing
import ServiceKit
import StreamSync

/// The image-api process, assembled in one place: store, outbox relay, routes, server, lifecycle.
struct ImageAPI {
    let host: ServiceHost
    let store: StoreSettings
    /// Nil: changes wait in the outbox until a start with brokers publishes them.
    let kafka: KafkaSettings?
    /// Where the LIMS legacy-format mirror publishes; nil: no mirror.
    let legacyKafka: KafkaSettings?
    /// The envelope schema of the change events it writes.
    let eventSchemaVersion: Int64
    /// Added to the wall clock for the times of changes: simulates a replica whose clock is off.
    let clockOffsetMilliseconds: Int64

    func run() async throws {
        let logger = host.logger
        let repository = try ImageStore.make(url: store.url, poolSize: store.poolSize, writesChangeEvents: true,
                                             eventSchemaVersion: eventSchemaVersion, logger: logger)
        logger.info("starting", metadata: ["store.url": "\(redactingPassword(store.url))",
                                           "config.file": "\(host.settings.source.filePath ?? "none")",
                                           "event.schema_version": "\(eventSchemaVersion)"])
        try await host.waitFor(store.url, deadline: store.deadline) { try await repository.ping() }
        try await repository.migrate()

        var producers: [KafkaProducer] = []
        var relay: OutboxRelay?
        if let kafka {
            let limits = try await kafka.prepareTopics(deadline: store.deadline, logger: logger)
            let kafkaProducer = try KafkaProducer(configuration: kafka.configuration, logger: logger)
            producers.append(kafkaProducer)
            var legacy: LegacyMirror?
            if let legacyKafka {
                try await legacyKafka.prepareTopics(deadline: store.deadline, logger: logger)
                let legacyProducer = try KafkaProducer(configuration: legacyKafka.configuration, logger: logger)
                producers.append(legacyProducer)
                legacy = LegacyMirror(producer: legacyProducer, topics: legacyKafka.topics, records: repository)
            }
            relay = OutboxRelay(outbox: repository, producer: kafkaProducer, topics: kafka.topics, legacy: legacy, limits: limits,
                                logger: logger)
        } else {
            logger.warning("no Kafka brokers configured (--kafka-brokers): change events wait in the outbox")
        }

        let router = host.router(protectsWrites: true) {
            do { try await repository.ping(); return nil } catch { return "database unreachable: \(error)" }
        }
        if let relay { router.add(middleware: ChangeNotifyingMiddleware(relay: relay)) }
        let offset = clockOffsetMilliseconds
        ImageController(repository: repository, access: .readWrite, clock: {
            Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch &+ offset)
        }).register(on: router)
        DocsController(title: "LeafSync Image API", access: .readWrite).register(on: router)
        // The relay stops after the server, so no change is committed after its last round
        // (the outbox keeps any for the next start).
        try await host.serve(router, first: relay.map { [$0] } ?? [])
        for producer in producers { await producer.close() }
        await repository.close()
        logger.info("stopped")
    }
}
