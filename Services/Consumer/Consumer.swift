import ImageModel
import ImageRoutes
import ImageStores
import Kafka
import ServiceKit
import ServiceLifecycle
import StreamSync

/// The consumer process, assembled in one place: store, Kafka consumer, read routes, server,
/// lifecycle.
struct Consumer {
    let host: ServiceHost
    let store: StoreSettings
    let kafka: KafkaSettings
    let groupID: String
    let batching: ChangeConsumer.Batching

    func run() async throws {
        let logger = host.logger
        let repository = try ImageStore.make(url: store.url, poolSize: store.poolSize, logger: logger)
        logger.info("starting", metadata: ["store.url": "\(redactingPassword(store.url))", "kafka.group": "\(groupID)"])
        try await host.waitFor(store.url, deadline: store.deadline) { try await repository.ping() }
        try await repository.migrate()
        try await kafka.prepareTopics(deadline: store.deadline, logger: logger)

        let deadLetters = try KafkaProducer(configuration: kafka.configuration, logger: logger)
        let health = SyncHealth()
        let router = host.router(protectsWrites: false) {
            if let problem = health.currentProblem { return problem }
            do { try await repository.ping(); return nil } catch { return "database unreachable: \(error)" }
        }
        ImageController(repository: repository, access: .readOnly).register(on: router)
        DocsController(title: "LeafSync Consumer", access: .readOnly).register(on: router)

        // The group is joined only once no bootstrap of it is unfinished (`/ready` says why
        // meanwhile, `/ping` answers). The consumer stops before the server: it finishes and
        // commits its batch and leaves the group while reads are still served.
        let changes = StreamService { [self] in
            let finished = try await cancelWhenGracefulShutdown {
                try await ConsumerBootstrap.waitUntilFinished(group: groupID, store: repository, health: health, logger: logger)
            }
            guard finished else { return }
            try await ChangeConsumer(configuration: kafka.configuration, groupID: groupID, deadLetters: deadLetters,
                                     replica: repository, topics: kafka.topics, batching: batching, health: health,
                                     logger: logger).run()
        }
        try await host.serve(router, last: [changes])
        await deadLetters.close()
        await repository.close()
        logger.info("stopped")
    }
}

/// The stream as a lifecycle service, started by `body` when the group runs.
private struct StreamService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws { try await body() }
}
