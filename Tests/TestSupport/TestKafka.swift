import Foundation

/// The real broker the tests run against.
public enum TestKafka {
    /// `LEAFSYNC_KAFKA_BROKERS` (comma-separated host:port). In CI (or with
    /// `LEAFSYNC_REQUIRE_SERVERS`) its absence fails the test, never skips it; on a developer
    /// machine it falls back to the dev broker.
    public static func brokers() throws -> [String] {
        let environment = ProcessInfo.processInfo.environment
        if let brokers = environment["LEAFSYNC_KAFKA_BROKERS"], !brokers.isEmpty {
            return brokers.split(separator: ",").map(String.init)
        }
        if environment["CI"] != nil || environment["LEAFSYNC_REQUIRE_SERVERS"] != nil {
            throw TestFailure("LEAFSYNC_KAFKA_BROKERS is not set, and CI or LEAFSYNC_REQUIRE_SERVERS requires the broker "
                              + "tests to run: set it to the test broker, e.g. 127.0.0.1:9092")
        }
        return ["127.0.0.1:9092"]
    }
}
