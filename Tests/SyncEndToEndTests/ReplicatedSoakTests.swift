import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// Production's shape under a bad minute: 2 image-api replicas (both relaying, both taking
/// writes), 3 consumers in one group, 60 s of creates, updates and soft deletes, a `kill -9` of
/// a random one of them every 3 s (restarted at once), and a 10 s broker outage. Afterwards the
/// DBs are equal, every acknowledged write is there, nothing valid was dead-lettered, and no
/// sample taken along the way showed a record whose version differs from the producer's at
/// that version.
@Suite(.serialized) struct ReplicatedSoakTests {
    static let duration: Duration = .seconds(60)
    static let perPlant = 20

    @Test(arguments: [TestStore.postgres, .mongo])
    func twoAPIsAndThreeConsumersSurviveKillsAndABrokerOutage(store: TestStore) async throws {
        let broker = try await RelayedBroker.start()
        defer { broker.stop() }
        try await SyncCluster.with(producer: store, consumer: store, brokers: broker.bootstrap, long: true) { cluster in
            let fleet = try await Fleet(cluster: cluster)
            defer { fleet.killAll() }
            try await Workload(client: fleet.client(0), seed: 31).createImages(perPlant: Self.perPlant)

            let start = ContinuousClock.now
            let tally = Tally()
            // Lanes alternate between the replicas, as behind a load balancer. The
            // MongoDB-compatible server takes ~20 writes/s: more lanes would only queue at it
            // and starve the suite's other tests of it.
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<(store == .postgres ? 16 : 4) {
                        group.addTask {
                            while ContinuousClock.now - start < Self.duration {
                                let index = tally.sent.add(1, ordering: .relaxed).newValue
                                let change = Self.change(index)
                                guard let (status, body) = try? await fleet.client(index % 2).request(change.method, change.path, json: change.json),
                                      status == 200 else { continue }
                                tally.acks.withLock { $0.record(change.plant, created: change.method == "PUT", body) }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let samples = Task { try await Self.sampleWhileRunning(cluster, until: start + Self.duration + .seconds(10)) }

            // The broker away from 20 s to 30 s, on a clock of its own: a process restarted
            // meanwhile waits for the broker before it listens.
            let outage = Task {
                defer { broker.relay.unblock() }
                try await Task.sleep(until: start + .seconds(20))
                broker.relay.block()
                try await Task.sleep(until: start + .seconds(30))
            }
            // Chaos: a random process killed and restarted every 3 s.
            var kills: [String: Int] = [:]
            while ContinuousClock.now - start < Self.duration {
                try await Task.sleep(for: .seconds(3))
                kills[try await fleet.killAndRestartOne(), default: 0] += 1
            }
            try await outage.value
            try await writers.value
            let elapsed = ContinuousClock.now - start
            try await cluster.waitUntilInSync(timeout: .seconds(240))
            let mismatches = try await samples.value

            // Every acknowledged write is in the consumer DB: each created record, and for each
            // record at least as many versions as distinct acknowledged states (a change that
            // changed nothing answers with the same `updated_at`).
            let acknowledged = tally.acks.withLock { $0 }
            let consumer = try TestStore.client(url: cluster.consumerURL, logger: Logger(label: "leafsync.tests.soak"))
            var missingCreates = 0, missingChanges = 0
            for plant in Plant.allCases {
                let states = try await consumer.replicaStates(plant: plant, ids: Array(1...Int64(Self.perPlant)) + acknowledged.created[plant, default: []])
                missingCreates += acknowledged.created[plant, default: []].filter { states[$0] == nil }.count
                for (id, updates) in acknowledged.states[plant, default: [:]] where Int64(updates.count) > (states[id]?.version ?? 0) - 1 {
                    missingChanges += 1
                    print("ReplicatedSoakTests: \(plant) \(id) has version \(states[id]?.version ?? 0) for \(updates.count) acknowledged changes")
                }
            }
            await consumer.close()
            let letters = try await KafkaTopicReader.readAll(topic: cluster.topicPrefix + "dead-letter",
                                                             configuration: KafkaConfiguration(bootstrapServers: [broker.bootstrap]),
                                                             timeout: .seconds(30), logger: Logger(label: "leafsync.tests.soak"))
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("ReplicatedSoakTests \(store): \(acknowledged.count) writes acknowledged in \(Int(seconds)) s "
                  + "(\(Int(Double(acknowledged.count) / seconds))/s, \(acknowledged.created.values.map(\.count).reduce(0, +)) creates) "
                  + "of \(tally.sent.load(ordering: .relaxed)) sent; kills \(kills.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
                  + "broker away 10 s; mid-run samples \(mismatches.samples), records compared \(mismatches.compared), mismatched \(mismatches.mismatched); "
                  + "dead letters \(letters.count)")
            #expect(acknowledged.count > 0)
            #expect(missingCreates == 0 && missingChanges == 0)
            #expect(mismatches.mismatched == 0 && mismatches.compared > 0)
            #expect(letters.isEmpty, "dead letters: \(letters.prefix(3).map { $0.headers.map { "\($0.name)=\(String(decoding: $0.value ?? [], as: UTF8.self))" } })")
        }
    }

    /// One in ten changes is a create; the rest are the workload's updates and soft deletes of
    /// the seeded records.
    static func change(_ index: Int) -> (plant: Plant, method: String, path: String, json: String?) {
        if index % 10 == 0 {
            let plant = Plant.allCases[index / 10 % 3]
            return (plant, "PUT", "/image-plant/\(plant.rawValue)", #"{"camera_id":\#(index % 1000 + 1),"gps_coordinates":[1.5,2.5]}"#)
        }
        let change = Workload(client: ServiceClient(port: 0), seed: 77).change(index, perPlant: perPlant)
        let plant = Plant.allCases.first { change.path.hasPrefix("/image-plant/\($0.rawValue)") }!
        return (plant, change.method, change.path, change.json)
    }

    /// Every 2 s, the consumer DB's records next to the producer's: a record the consumer holds
    /// at the producer's version must equal it (read the consumer first: versions only grow,
    /// so the same version read later means the same change).
    static func sampleWhileRunning(_ cluster: SyncCluster, until end: ContinuousClock.Instant) async throws -> (samples: Int, compared: Int, mismatched: Int) {
        let logger = Logger(label: "leafsync.tests.soak")
        let producer = try TestStore.client(url: cluster.producerURL, logger: logger)
        let consumer = try TestStore.client(url: cluster.consumerURL, logger: logger)
        defer { Task { await producer.close(); await consumer.close() } }
        var result = (samples: 0, compared: 0, mismatched: 0)
        while ContinuousClock.now < end {
            for plant in Plant.allCases {
                guard let replicas = try? await consumer.list(plant: plant, fromID: 1, limit: 100_000, filter: ImageFilter()).images,
                      let originals = try? await producer.list(plant: plant, fromID: 1, limit: 100_000, filter: ImageFilter()).images
                else { continue }
                let byID = Dictionary(uniqueKeysWithValues: originals.map { ($0.id, $0) })
                for replica in replicas {
                    guard let original = byID[replica.id], original.version == replica.version else { continue }
                    result.compared += 1
                    if original != replica {
                        result.mismatched += 1
                        print("ReplicatedSoakTests: \(plant) \(replica.id) at version \(replica.version) differs from the producer's")
                    }
                }
            }
            result.samples += 1
            try await Task.sleep(for: .seconds(2))
        }
        return result
    }
}

/// The writers' shared counts.
private final class Tally: Sendable {
    let acks = Mutex(Acknowledged())
    let sent = Atomic<Int>(0)
}

/// What the replicas answered 200 to: created ids, and per record the distinct states changes
/// left (by `updated_at`).
private struct Acknowledged: Sendable {
    var created: [Plant: [Int64]] = [:]
    var states: [Plant: [Int64: Set<String>]] = [:]
    var count = 0

    mutating func record(_ plant: Plant, created isCreate: Bool, _ body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let id = (object["id"] as? NSNumber)?.int64Value else { return }
        count += 1
        if isCreate {
            created[plant, default: []].append(id)
        } else if let updatedAt = object["updated_at"] as? String, updatedAt != object["created_at"] as? String {
            // Equal to `created_at`: a change that changed nothing of a never-changed record.
            states[plant, default: [:]][id, default: []].insert(updatedAt)
        }
    }
}

/// The two image-api replicas and three consumers of a cluster, each restartable.
private final class Fleet: Sendable {
    private let cluster: SyncCluster
    private let ports: Mutex<[Int]>
    private let processes: Mutex<[(role: String, process: ServiceProcess)]>

    init(cluster: SyncCluster) async throws {
        self.cluster = cluster
        var processes: [(String, ServiceProcess)] = []
        var ports: [Int] = []
        for _ in 0..<2 {
            let api = try Self.launch("image-api", cluster)
            ports.append(try await api.listeningPort())
            processes.append(("image-api", api))
        }
        for _ in 0..<3 {
            let consumer = try Self.launch("consumer", cluster)
            _ = try await consumer.listeningPort()
            processes.append(("consumer", consumer))
        }
        self.ports = Mutex(ports)
        self.processes = Mutex(processes)
    }

    func client(_ replica: Int) -> ServiceClient { ServiceClient(port: ports.withLock { $0[replica] }) }

    /// SIGKILLs a random process, starts it again and waits until it listens; returns its role.
    func killAndRestartOne() async throws -> String {
        let index = Int.random(in: 0..<5)
        let (role, victim) = processes.withLock { $0[index] }
        victim.signal(SIGKILL)
        _ = try await victim.waitForExit()
        let restarted = try Self.launch(role, cluster)
        let port = try await restarted.listeningPort()
        processes.withLock { $0[index] = (role, restarted) }
        if role == "image-api" { ports.withLock { $0[index] = port } }
        return role
    }

    func killAll() {
        for (_, process) in processes.withLock({ $0 }) where process.process.isRunning { process.signal(SIGKILL) }
    }

    private static func launch(_ role: String, _ cluster: SyncCluster) throws -> ServiceProcess {
        let store = role == "image-api" ? cluster.producerURL : cluster.consumerURL
        let group = role == "consumer" ? ["--group-id", cluster.groupID] : []
        return try ServiceProcess(role, ["--store-url", store, "--port", "0", "--log-level", "info"] + group + cluster.kafkaArguments)
    }
}
