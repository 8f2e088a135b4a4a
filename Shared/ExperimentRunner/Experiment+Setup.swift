import ExperimentModel
import Foundation
import Kafka
import TCPRelay

extension Experiment {
    /// The roles of the run's databases: the producer and one consumer DB per variant.
    static let databaseRoles = ["producer"] + Variant.allCases.map(\.role)

    /// Creates the databases (each dropped again at exit), seeds them all with the same
    /// records and checks that every consumer DB equals the producer.
    func prepareDatabases() async throws {
        let server = plan.store
        for role in Self.databaseRoles {
            let name = plan.database(role)
            try await server.create(name, logger: context.logger)
            context.supervisor.atExit("drop \(name)") { [logger = context.logger] in await server.drop(name, logger: logger) }
        }
        // Seeded straight on the server, not through a relay: seeding is not sync traffic.
        let seeders = try Self.databaseRoles.map { role in
            let seeder = try ChildProcess(name: "seeder-\(role)", executable: context.binaries.appendingPathComponent("seeder"),
                                          arguments: ["--store-url", server.url(plan.database(role)), "--per-plant", "\(plan.perPlant)",
                                                      "--seed", "\(plan.seed)", "--created-before", plan.createdBefore],
                                          logDirectory: context.logDirectory)
            context.supervisor.adopt(seeder)
            return seeder
        }
        for seeder in seeders {
            let status = try await seeder.waitForExit(timeout: .seconds(600))
            guard status == 0 else {
                throw ExperimentError(.database, "\(seeder.name) exited with \(status); end of its log:\n\(seeder.logTail())")
            }
        }
        for variant in Variant.allCases {
            let report = try await compare(variant)
            guard report.isEqual else {
                throw ExperimentError(.notEqual, "\(variant.rawValue): its consumer DB does not start equal to the producer DB "
                                      + "after seeding: \(Self.describe(report))")
            }
        }
    }

    /// Starts the brokers, the relays and every service, and waits until the consumers have
    /// their partitions and each db-synchronizer finished its startup run.
    func startTopology() async throws -> Topology {
        let brokerA = try await KafkaBroker.start(name: "tansu-a", source: context.brokers, context: context)
        let brokerB = try await KafkaBroker.start(name: "tansu-b", source: context.brokers, context: context)
        if case .external(let host, let port) = context.brokers { deleteTopicsAtExit(from: "\(host):\(port)") }
        var relays: [String: TCPRelay] = [:]
        for name in [Topology.producerAPIRelay] + [Variant.batchFull, .batchIncremental].map(\.sourceRelay)
            + Variant.allCases.map(\.consumerRelay) {
            relays[name] = try startRelay(name)
        }
        func url(_ role: String, via relay: String) -> String { plan.store.url(plan.database(role), relayPort: relays[relay]?.port) }
        // Statistics every second instead of 5 s: the independent count needs a fresh report at the end.
        let kafkaStatistics = ["--kafka-property", "statistics.interval.ms=1000"]

        // Topics of the run's own, so a shared cluster's earlier runs are never read.
        func topics(_ prefix: String) -> [String] { ["--topic-prefix", prefix, "--dead-letter-topic", topicPrefix + "dead-letter"] }
        let imageAPI = try await ServiceEndpoint.start("image-api", executable: "image-api", arguments: [
            "--store-url", url("producer", via: Topology.producerAPIRelay), "--kafka-brokers", brokerA.bootstrap,
            "--legacy-topic-prefix", legacyTopicPrefix, "--legacy-kafka-brokers", brokerB.bootstrap,
        ] + topics(topicPrefix) + kafkaStatistics, context: context)
        var consumers: [Variant: ServiceEndpoint] = [:]
        for (variant, broker, prefix) in [(Variant.streamEnvelope, brokerA, topicPrefix), (.streamLegacy, brokerB, legacyTopicPrefix)] {
            consumers[variant] = try await ServiceEndpoint.start("consumer-\(variant.role)", executable: "consumer", arguments: [
                "--store-url", url(variant.role, via: variant.consumerRelay), "--kafka-brokers", broker.bootstrap,
                "--group-id", "bwexp-\(plan.runID)-\(variant.role)",
                "--kafka-property", "fetch.wait.max.ms=\(plan.fetchWaitMilliseconds)",
            ] + topics(prefix) + kafkaStatistics, context: context)
        }
        var synchronizers: [Variant: ServiceEndpoint] = [:]
        for variant in [Variant.batchFull, .batchIncremental] {
            synchronizers[variant] = try await ServiceEndpoint.start("db-synchronizer-\(variant.role)", executable: "db-synchronizer", arguments: [
                "--producer-url", url("producer", via: variant.sourceRelay), "--consumer-url", url(variant.role, via: variant.consumerRelay),
                "--mode", variant.role, "--interval", "\(plan.interval)", "--speed", "\(plan.speed)",
                "--watermark-margin", "\(plan.watermarkMargin)",
                "--job-name", "bwexp-\(plan.runID)-\(variant.role)",
            ], context: context)
        }
        let jobs = try await ServiceEndpoint.start("jobs", executable: "jobs", arguments: [
            "--image-api-url", "http://127.0.0.1:\(imageAPI.port)", "--speed", "\(plan.speed)",
            "--intensity", "\(plan.intensity)", "--seed", "\(plan.seed)", "--autostart", "false",
        ], context: context)
        let topology = Topology(brokerA: brokerA, brokerB: brokerB, databaseRelays: relays, imageAPI: imageAPI,
                                consumers: consumers, synchronizers: synchronizers, jobs: jobs)
        try await waitUntilReady(topology)
        return topology
    }

    /// The run's envelope topics (`<prefix>potato`...) and dead letters; the legacy topics follow
    /// `legacyTopicPrefix`.
    var topicPrefix: String { "bwexp-\(plan.runID)-" }
    var legacyTopicPrefix: String { topicPrefix + "legacy-" }

    /// Deletes the run's topics from an external cluster at exit (a Tansu of the run's own
    /// holds them in memory). Straight to the cluster: the relays have stopped by then.
    private func deleteTopicsAtExit(from bootstrap: String) {
        let prefix = topicPrefix, logger = context.logger
        context.supervisor.atExit("delete the topics \(prefix)*") {
            do throws(KafkaError) {
                let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: [bootstrap], clientID: "bandwidth-experiment"),
                                           logger: logger)
                let names = try await admin.topics().map(\.name).filter { $0.hasPrefix(prefix) }
                try await admin.deleteTopics(names)
                logger.info("deleted the run's topics", metadata: ["kafka.topics": "\(names.count)"])
            } catch {
                logger.warning("cannot delete the run's topics; delete \(prefix)* by hand", metadata: ["error": "\(error)"])
            }
        }
    }

    private func startRelay(_ name: String) throws -> TCPRelay {
        let relay = TCPRelay(targetHost: plan.store.host, targetPort: UInt16(plan.store.port), logger: context.logger)
        do {
            try relay.start()
        } catch {
            throw ExperimentError(.process, "cannot start the relay \(name): \(error)")
        }
        context.supervisor.adopt(relay)
        return relay
    }

    /// Changes made before a consumer has joined its group would wait for it; a batch job's
    /// startup run copies every record and belongs to the setup, not to the measured window.
    private func waitUntilReady(_ topology: Topology) async throws {
        for consumer in topology.consumers.values {
            _ = try await Poll.until("\(consumer.name) to get its partitions", timeout: .seconds(90)) { () throws(ExperimentError) -> Bool? in
                try consumer.process.checkRunning()
                return consumer.process.log.contains("partitions assigned") ? true : nil
            }
        }
        for synchronizer in topology.synchronizers.values {
            _ = try await Poll.until("\(synchronizer.name)'s startup run", timeout: .seconds(300)) {
                try await synchronizer.hasFinishedRun() ? true : nil
            }
        }
    }
}
