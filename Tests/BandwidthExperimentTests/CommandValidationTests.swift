import Testing
@testable import BandwidthExperiment
@testable import ExperimentRunner

/// Settings are refused before anything starts, with the flag named, whatever the value.
@Suite struct CommandValidationTests {
    @Test(arguments: [
        ["--kafka-brokers", ""], ["--kafka-brokers", "kafka"], ["--kafka-brokers", "kafka:"], ["--kafka-brokers", ":9092"],
        ["--kafka-brokers", "kafka:0"], ["--kafka-brokers", "kafka:65536"], ["--kafka-brokers", "kafka:port"],
        ["--kafka-brokers", "kafka:9092,kafka-1:9092"], ["--kafka-brokers", "::1:9092"], ["--kafka-brokers", "[]:9092"],
        ["--kafka-brokers", "kafka 1:9092"], ["--kafka-brokers", "tcp://kafka:9092"],
        ["--fetch-wait-ms", "0"], ["--fetch-wait-ms", "300001"], ["--fetch-wait-ms", "ten"], ["--fetch-wait-ms", "99999999999999999999"],
        ["--sweep-fetch-wait", "10", "0"], ["--sweep-interval", "0"], ["--sweep-interval", "inf"], ["--sweep-intensity", "nan"],
        ["--intensity", "nan"], ["--intensity", "1e309"], ["--speed", "inf"], ["--speed", "0"], ["--interval", "-1"],
        ["--duration", "0"], ["--per-plant", "0"], ["--sweep-per-plant", "0"],
        ["--sweep-knobs"], ["--sweep-knobs", "--sweep-interval", "10", "60", "--sweep-fetch-wait", "10"],
        ["--sweep-knobs", "--sweep-interval", "10", "--sweep-fetch-wait", "10", "--sweep-per-plant", "100"],
    ])
    func absurdSettingsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self, "\(arguments) was accepted") { try BandwidthExperimentCommand.parse(arguments) }
    }

    @Test(arguments: [
        ["--kafka-brokers", "kafka:9092"], ["--kafka-brokers", "127.0.0.1:1"], ["--kafka-brokers", "[::1]:65535"],
        ["--fetch-wait-ms", "1"], ["--fetch-wait-ms", "300000"], ["--intensity", "0.5", "--speed", "1"],
        ["--sweep-knobs", "--sweep-interval", "10", "60", "--sweep-fetch-wait", "10", "2000"],
    ])
    func sensibleSettingsAreAccepted(arguments: [String]) throws {
        _ = try BandwidthExperimentCommand.parse(arguments)
    }

    @Test func aBrokerAddressKeepsItsHostAndPort() throws {
        for (given, host, port) in [("kafka-0.kafka:9093", "kafka-0.kafka", UInt16(9093)), ("[fd00::1]:9092", "fd00::1", 9092)] {
            guard case .external(let parsedHost, let parsedPort) = try BrokerSource.external(given) else {
                Issue.record("\(given) is not external")
                continue
            }
            #expect(parsedHost == host && parsedPort == port, "\(given)")
        }
    }
}
