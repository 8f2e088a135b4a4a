import ExperimentModel
import Foundation
import TCPRelay

/// Everything one run starts, wired together: two brokers, the database relays, and the
/// services (one image-api, two consumers, two db-synchronizers, one jobs).
struct Topology: Sendable {
    let brokerA: KafkaBroker
    let brokerB: KafkaBroker
    /// Database relays by name: `producer-db-api`, `producer-db-full`, `producer-db-incremental`,
    /// and `consumer-db-<role>` per variant.
    let databaseRelays: [String: TCPRelay]
    let imageAPI: ServiceEndpoint
    let consumers: [Variant: ServiceEndpoint]
    let synchronizers: [Variant: ServiceEndpoint]
    let jobs: ServiceEndpoint

    static let producerAPIRelay = "producer-db-api"

    /// Every relay by name, the brokers' included.
    var relays: [String: any CountingRelay] {
        databaseRelays.mapValues { $0 as any CountingRelay }.merging(["broker-a": brokerA.relay, "broker-b": brokerB.relay]) { first, _ in first }
    }

    /// The services whose metrics a snapshot scrapes.
    var services: [ServiceEndpoint] {
        [imageAPI, jobs] + Variant.allCases.compactMap { consumers[$0] ?? synchronizers[$0] }
    }

    /// Every long-running process: the services and the brokers of the run's own.
    var processes: [ChildProcess] {
        services.map(\.process) + [brokerA.process, brokerB.process].compactMap { $0 }
    }

    /// The service that applies a variant's changes to its consumer DB.
    func applier(of variant: Variant) -> ServiceEndpoint {
        consumers[variant] ?? synchronizers[variant]!
    }

    /// What a relay sits between, for the report.
    static func between(_ relay: String) -> String {
        switch relay {
        case "broker-a": "image-api, consumer (envelope) ↔ broker A"
        case "broker-b": "image-api (legacy mirror), consumer (legacy) ↔ broker B"
        case producerAPIRelay: "image-api ↔ producer DB"
        case "producer-db-full": "db-synchronizer (full) ↔ producer DB"
        case "producer-db-incremental": "db-synchronizer (incremental) ↔ producer DB"
        default: "\(Variant.allCases.first { $0.consumerRelay == relay }.map { applierName($0) } ?? "?") ↔ its consumer DB"
        }
    }

    private static func applierName(_ variant: Variant) -> String {
        switch variant {
        case .streamEnvelope, .streamLegacy: "consumer (\(variant.role))"
        case .batchFull, .batchIncremental: "db-synchronizer (\(variant.role))"
        }
    }
}
