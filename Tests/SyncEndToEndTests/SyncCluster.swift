import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import SeedData
import StoreVerification
import TestSupport

/// A producer DB and a consumer DB (fresh namespaces on the real servers), topics of their own
/// on the real broker, and the real `image-api` and `consumer` executables between them.
final class SyncCluster: @unchecked Sendable {
    // @unchecked: a test drives its cluster from one task at a time.
    let producerURL: String
    let consumerURL: String
    let brokers: String
    let topicPrefix = "t" + UUID().uuidString.prefix(8).lowercased() + "-"
    let groupID = "g" + UUID().uuidString.prefix(8).lowercased()
    private(set) var api: ServiceProcess?
    private(set) var consumer: ServiceProcess?
    /// Consumers started before the current one (same group), still running or not.
    private(set) var earlierConsumers: [ServiceProcess] = []
    private(set) var apiClient = ServiceClient(port: 0)
    private(set) var consumerClient = ServiceClient(port: 0)

    /// - Parameter brokers: the broker the services use; by default the suite's
    ///   (`LEAFSYNC_KAFKA_BROKERS`).
    init(producerURL: String, consumerURL: String, brokers: String? = nil) throws {
        self.producerURL = producerURL
        self.consumerURL = consumerURL
        self.brokers = try brokers ?? TestKafka.brokers().joined(separator: ",")
    }

    /// Runs `body` with a cluster over fresh namespaces of `producer` and `consumer` once one of
    /// `TestSlots.clusters` is free; stops the processes and drops the namespaces afterwards.
    /// - Parameter long: a test of minutes, given a slot before the others.
    static func with(producer: TestStore, consumer: TestStore, brokers: String? = nil, long: Bool = false,
                     _ body: (SyncCluster) async throws -> Void) async throws {
        try await TestSlots.clusters.with(priority: long ? 1 : 0) {
            try await withoutSlot(producer: producer, consumer: consumer, brokers: brokers, body)
        }
    }

    private static func withoutSlot(producer: TestStore, consumer: TestStore, brokers: String?,
                                    _ body: (SyncCluster) async throws -> Void) async throws {
        try await producer.withFreshURL { producerURL, _ in
            try await consumer.withFreshURL { consumerURL, _ in
                let cluster = try SyncCluster(producerURL: producerURL, consumerURL: consumerURL, brokers: brokers)
                defer { cluster.stopAll() }
                do {
                    try await body(cluster)
                } catch {
                    throw TestFailure("\(error)\n--- image-api log (tail) ---\n\(cluster.api?.log.suffix(3000) ?? "")\n--- consumer log (tail) ---\n\(cluster.consumer?.log.suffix(3000) ?? "")")
                }
            }
        }
    }

    var kafkaArguments: [String] { ["--kafka-brokers", brokers, "--topic-prefix", topicPrefix, "--dead-letter-topic", topicPrefix + "dead-letter"] }

    /// Starts `image-api` on the producer DB; without Kafka its changes wait in the outbox. The
    /// test process's own `LEAFSYNC_KAFKA_BROKERS` is blanked then, or the service would
    /// publish through it to the unprefixed topics.
    func startAPI(kafka: Bool = true, _ extra: [String] = []) async throws {
        let process = try ServiceProcess("image-api", ["--store-url", producerURL, "--port", "0", "--log-level", "info"]
            + (kafka ? kafkaArguments : []) + extra, environment: kafka ? [:] : ["LEAFSYNC_KAFKA_BROKERS": ""])
        api = process
        apiClient = ServiceClient(port: try await process.listeningPort())
    }

    /// - Parameter storeURL: the consumer DB's URL as the consumer sees it (through a relay, say).
    func startConsumer(_ extra: [String] = [], storeURL: String? = nil) async throws {
        let process = try ServiceProcess("consumer", ["--store-url", storeURL ?? consumerURL, "--port", "0", "--log-level", "info",
                                                      "--group-id", groupID] + kafkaArguments + extra)
        if let consumer { earlierConsumers.append(consumer) }
        consumer = process
        consumerClient = ServiceClient(port: try await process.listeningPort())
    }

    func stopAll() {
        for process in ([api, consumer] + earlierConsumers).compactMap({ $0 }) where process.process.isRunning { process.signal(SIGKILL) }
    }

    /// Waits until the consumer DB equals the producer DB (every LIMS field) and every record
    /// has the producer's version: nothing lost, nothing stale.
    /// - Parameter versions: false for a consumer of LIMS legacy messages, which carry no
    ///   version (the consumer counts its own).
    func waitUntilInSync(timeout: Duration = .seconds(60), versions: Bool = true) async throws {
        var logger = Logger(label: "leafsync.tests.sync")
        logger.logLevel = .warning
        let producer = try TestStore.client(url: producerURL, logger: logger)
        let consumer = try TestStore.client(url: consumerURL, logger: logger)
        defer { Task { await producer.close(); await consumer.close() } }
        let comparison = StoreComparison(producer: producer, consumer: consumer, logger: logger)
        var last = ""
        var differing: [Plant: [Int64]] = [:]
        do {
            _ = try await eventually("consumer DB equal to producer DB", timeout: timeout) { () async throws -> Bool? in
                let report = try await comparison.compare()
                last = report.text
                differing = Dictionary(uniqueKeysWithValues: report.plants.map { ($0.plant, $0.details.map(\.id)) }).filter { !$0.value.isEmpty }
                guard report.isEqual else { return nil }
                for plant in Plant.allCases where versions {
                    let ids = try await producer.list(plant: plant, fromID: 1, limit: 100_000, filter: ImageFilter()).images.map(\.id)
                    let expected = try await producer.replicaStates(plant: plant, ids: ids).mapValues(\.version)
                    let actual = try await consumer.replicaStates(plant: plant, ids: ids).mapValues(\.version)
                    guard expected == actual else { last = "versions differ for \(plant)"; return nil }
                }
                return true
            }
        } catch {
            let diagnosis = (try? await diagnose(differing, producer: producer, consumer: consumer)) ?? "(no diagnosis)"
            throw TestFailure("\(error); last report:\n\(last)\(diagnosis)")
        }
    }

    /// Where each differing record's versions are: in the producer's outbox or parked, on the
    /// topic (offset and version of every message of its key), waiting in the consumer DB. So
    /// a failure in CI says which hop lost or held a change.
    private func diagnose(_ differing: [Plant: [Int64]], producer: any SyncableImageRepository,
                          consumer: any SyncableImageRepository) async throws -> String {
        guard !differing.isEmpty else { return "" }
        var text = "\n--- where the differing records' versions are ---"
        let outbox = try await producer.pendingChanges(limit: 100_000)
        for (plant, ids) in differing.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let messages = try await KafkaTopicReader.readAll(topic: topicPrefix + plant.rawValue,
                                                              configuration: KafkaConfiguration(bootstrapServers: [brokers]),
                                                              timeout: .seconds(20), logger: Logger(label: "leafsync.tests.diagnosis"))
            let produced = try await producer.replicaStates(plant: plant, ids: ids)
            let stored = try await consumer.replicaStates(plant: plant, ids: ids)
            let waiting = try await consumer.waitingChanges(of: ids.map { RecordKey(plant: plant, imageID: $0) })
            for id in ids {
                let key = Array(String(id).utf8)
                let onTopic = messages.filter { $0.key == key }.map { message in
                    let eventID = message.headers.first { $0.name == ChangeEvent.Header.eventID }?.value.map { String(decoding: $0, as: UTF8.self) } ?? "?"
                    return "\(message.partition):\(message.offset)=v\(eventID.split(separator: "-").last ?? "?")"
                }
                let parked = try await producer.parkedEvents(ParkedFilter(plant: plant, imageID: id), limit: 100).map(\.entry.version)
                text += "\n\(plant.rawValue) \(id): producer v\(produced[id]?.version ?? -1), consumer v\(stored[id]?.version ?? -1)"
                    + "; outbox \(outbox.filter { $0.plant == plant && $0.imageID == id }.map(\.version))"
                    + "; parked \(parked); waiting \(waiting.filter { $0.imageID == id }.map { "v\($0.version)@\($0.offset)" })"
                    + "; topic [\(onTopic.joined(separator: " "))]"
            }
        }
        return text
    }
}

/// The LIMS workload, shrunk: creates with real data, then random updates and soft deletes
/// through `image-api`, exactly as clients send them.
struct Workload: Sendable {
    let client: ServiceClient
    var seed: UInt64 = 42

    /// Creates `perPlant` images of every plant; returns nothing but fails on a non-200.
    func createImages(perPlant: Int) async throws {
        for plant in Plant.allCases {
            for index in 0..<perPlant {
                let data = (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
                let hex = data.map { String(format: "%02x", $0) }.joined()
                let (status, body) = try await client.request("PUT", "/image-plant/\(plant.rawValue)",
                                                             json: #"{"camera_id":\#(index + 1),"gps_coordinates":[48.5,-16.5],"data":"\#(hex)"}"#)
                guard status == 200 else { throw TestFailure("create \(plant) → \(status) \(String(decoding: body, as: UTF8.self))") }
            }
        }
    }

    /// The `index`-th random change among records 1...`perPlant` of every plant.
    func change(_ index: Int, perPlant: Int) -> (method: String, path: String, json: String?) {
        var random = SplitMix64(seed: seed &+ UInt64(index))
        let plant = Plant.allCases[Int(random.next() % 3)]
        let id = Int(random.next() % UInt64(perPlant)) + 1
        switch random.next() % 10 {
        case 0: return ("DELETE", "/image-plant/\(plant.rawValue)/\(id)", nil)
        case 1...3: return ("POST", "/image-plant/\(plant.rawValue)", #"{"id":\#(id),"is_active":\#(random.next() % 2 == 0)}"#)
        case 4...6:
            let disease = plant.diseaseClasses[Int(random.next() % UInt64(plant.diseaseClasses.count))]
            return ("POST", "/image-plant/\(plant.rawValue)", #"{"id":\#(id),"disease":"\#(disease)","percentage":0.\#(random.next() % 90 + 10)}"#)
        default:
            return ("POST", "/image-plant/\(plant.rawValue)", #"{"id":\#(id),"camera_id":\#(random.next() % 1000 + 1),"gps_coordinates":[\#(Double(random.next() % 90)),\#(Double(random.next() % 180))]}"#)
        }
    }

    /// Sends changes `range` with `concurrency` requests in flight; a connection error (the
    /// API being killed) is counted, not thrown.
    @discardableResult
    func sendChanges(_ range: Range<Int>, perPlant: Int, concurrency: Int = 8,
                     progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var failures = 0
                    for index in range where index % concurrency == lane {
                        let change = self.change(index, perPlant: perPlant)
                        do {
                            let (status, _) = try await client.request(change.method, change.path, json: change.json)
                            if status != 200 { failures += 1 }
                        } catch {
                            failures += 1
                        }
                        progress?(index)
                    }
                    return failures
                }
            }
            return try await group.reduce(0, +)
        }
    }
}

/// `url` with its port replaced: `postgres://app@127.0.0.1:55432/db?…` → `…:PORT/db?…`.
func replacingPort(of url: String, with port: UInt16) throws -> String {
    guard let scheme = url.range(of: "://") else { throw TestFailure("not a URL: \(url)") }
    let rest = url[scheme.upperBound...]
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
    guard let colon = rest[..<authorityEnd].lastIndex(of: ":") else { throw TestFailure("no port in \(url)") }
    return String(url[..<colon]) + ":\(port)" + String(rest[authorityEnd...])
}

/// The port of `url`'s authority.
func port(of url: String) throws -> UInt16 {
    guard let scheme = url.range(of: "://") else { throw TestFailure("not a URL: \(url)") }
    let rest = url[scheme.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" }
    guard let colon = authority.lastIndex(of: ":"), let port = UInt16(authority[authority.index(after: colon)...]) else {
        throw TestFailure("no port in \(url)")
    }
    return port
}
