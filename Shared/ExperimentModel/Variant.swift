/// The four sync paths measured side by side on one workload.
public enum Variant: String, CaseIterable, Sendable {
    case streamEnvelope = "stream-envelope"
    case streamLegacy = "stream-legacy"
    case batchFull = "batch-full"
    case batchIncremental = "batch-incremental"

    /// The role of its consumer DB, in database names and relay names.
    public var role: String {
        switch self {
        case .streamEnvelope: "envelope"
        case .streamLegacy: "legacy"
        case .batchFull: "full"
        case .batchIncremental: "incremental"
        }
    }

    public var summary: String {
        switch self {
        case .streamEnvelope: "image-api → broker A → consumer (envelope: changed fields; the JPEG with the create only)"
        case .streamLegacy: "image-api → broker B → consumer (LIMS legacy: the whole record with hex data on every change)"
        case .batchFull: "db-synchronizer --mode full: every record read and written on every run"
        case .batchIncremental: "db-synchronizer --mode incremental: records changed since the watermark minus the margin"
        }
    }

    /// The relay of the hop that feeds the variant: its broker, or its own producer-DB relay.
    public var sourceRelay: String {
        switch self {
        case .streamEnvelope: "broker-a"
        case .streamLegacy: "broker-b"
        case .batchFull: "producer-db-full"
        case .batchIncremental: "producer-db-incremental"
        }
    }

    /// The relay in front of its consumer DB.
    public var consumerRelay: String { "consumer-db-\(role)" }

    public var isStream: Bool { self == .streamEnvelope || self == .streamLegacy }

    /// The process that applies its changes to its consumer DB, by its name in the run.
    public var applier: String { isStream ? "consumer-\(role)" : "db-synchronizer-\(role)" }

    /// Its applier's staleness histogram (`ChangeConsumer.stalenessLabel`,
    /// `BatchSyncMetrics.stalenessLabel`; spelled out to keep the runner off those modules).
    public var stalenessMetric: String { isStream ? "consumer_sync_staleness_seconds" : "db_synchronization_job_staleness_seconds" }
}
