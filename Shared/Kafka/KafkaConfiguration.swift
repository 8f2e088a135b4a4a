/// How to reach the brokers and which librdkafka properties to set, shared by producers,
/// consumers and admin clients. Each client adds the properties its role needs (idempotence,
/// group settings) on top.
public struct KafkaConfiguration: Sendable {
    /// `host:port` pairs; empty when `properties` names another bootstrap source (the mock
    /// cluster's `test.mock.num.brokers`).
    public var bootstrapServers: [String]
    /// `client.id`: shows up in broker logs and metrics.
    public var clientID: String
    /// How often librdkafka reports statistics (`statistics.interval.ms`); nil for never.
    public var statisticsInterval: Duration?
    /// Any other librdkafka property (`CONFIGURATION.md`), applied after the wrapper's defaults
    /// and before the properties a client enforces.
    public var properties: [String: String]

    public init(bootstrapServers: [String], clientID: String = "leafsync",
                statisticsInterval: Duration? = nil, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.statisticsInterval = statisticsInterval
        self.properties = properties
    }

    /// The properties for a client: the shared ones, `defaults` (overridable by `properties`),
    /// then `enforced` (not overridable, since the client's guarantees depend on them).
    func resolvedProperties(defaults: [String: String] = [:],
                            enforced: [String: String] = [:]) -> [(key: String, value: String)] {
        // Nagle's algorithm holds a small request (a commit, a heartbeat) behind an unacknowledged
        // one, up to a delayed ACK of ~40 ms: too long for a stream measured in milliseconds.
        var resolved = ["socket.nagle.disable": "true"]
        resolved.merge(defaults) { _, new in new }
        resolved["client.id"] = clientID
        if !bootstrapServers.isEmpty { resolved["bootstrap.servers"] = bootstrapServers.joined(separator: ",") }
        if let statisticsInterval {
            resolved["statistics.interval.ms"] = "\(max(1, statisticsInterval.milliseconds))"
        }
        resolved.merge(properties) { _, new in new }
        resolved.merge(enforced) { _, new in new }
        // Sorted so errors and logs name properties in a stable order.
        return resolved.sorted { $0.key < $1.key }
    }
}
