import Logging
import Testing
@testable import TCPRelay

/// The address rewriting of `KafkaRelay` on hand-built frames: every version layout of the two
/// responses it rewrites, frames split anywhere, and frames it cannot read (no threads here).
@Suite struct KafkaAddressRewriteTests {
    /// Kafka's primitive types, as the protocol guide lays them out.
    struct Frame {
        var bytes: [UInt8] = []
        let flexible: Bool

        mutating func int16(_ value: Int16) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        mutating func int32(_ value: Int32) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        mutating func uvarint(_ value: Int) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7f) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        mutating func string(_ value: String?) {
            let utf8 = value.map { Array($0.utf8) }
            if flexible { uvarint((utf8?.count ?? -1) + 1) } else { int16(Int16(utf8?.count ?? -1)) }
            bytes += utf8 ?? []
        }
        mutating func count(_ value: Int) { if flexible { uvarint(value + 1) } else { int32(Int32(value)) } }
        /// Tagged fields: none, or one unknown tag a newer broker might add.
        mutating func tags(_ unknown: Bool = false) {
            guard flexible else { return }
            if unknown {
                uvarint(1); uvarint(7); uvarint(3); bytes += [1, 2, 3]
            } else {
                uvarint(0)
            }
        }
    }

    struct Broker { let node: Int32; let host: String; let port: Int32; let rack: String? }

    static func metadata(version: Int16, brokers: [Broker], correlation: Int32 = 42) -> [UInt8] {
        var frame = Frame(flexible: version >= 9)
        frame.int32(correlation)
        frame.tags(true)
        if version >= 3 { frame.int32(0) }
        frame.count(brokers.count)
        for broker in brokers {
            frame.int32(broker.node)
            frame.string(broker.host)
            frame.int32(broker.port)
            if version >= 1 { frame.string(broker.rack) }
            frame.tags(true)
        }
        // What follows the brokers is copied as it is: a cluster id and some topic bytes.
        if version >= 2 { frame.string("cluster-Ω") }
        frame.bytes += [0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]
        return frame.bytes
    }

    static func findCoordinator(version: Int16, _ coordinators: [Broker], correlation: Int32 = 7) -> [UInt8] {
        var frame = Frame(flexible: version >= 3)
        frame.int32(correlation)
        frame.tags()
        if version >= 1 { frame.int32(5) }
        if version < 4 {
            frame.int16(0)
            if version >= 1 { frame.string(nil) }
            frame.int32(coordinators[0].node)
            frame.string(coordinators[0].host)
            frame.int32(coordinators[0].port)
        } else {
            frame.count(coordinators.count)
            for coordinator in coordinators {
                frame.string("group-\(coordinator.node)")
                frame.int32(coordinator.node)
                frame.string(coordinator.host)
                frame.int32(coordinator.port)
                frame.int16(coordinator.node < 0 ? 15 : 0)
                frame.string(coordinator.node < 0 ? "COORDINATOR_NOT_AVAILABLE" : nil)
                frame.tags()
            }
        }
        frame.tags()
        return frame.bytes
    }

    /// Moves every broker to 127.0.0.1 at 40000 + its port's last three digits.
    static func relayed(_ address: KafkaBrokerAddress) -> KafkaBrokerAddress? {
        address.port > 0 ? KafkaBrokerAddress(host: "127.0.0.1", port: 40_000 + address.port % 1000) : nil
    }

    static let brokers = [
        Broker(node: 1, host: "kafka-0.kafka-headless.leafsync.svc.cluster.local", port: 9092, rack: "eu-west-1a"),
        Broker(node: 2, host: "kafka-1", port: 19093, rack: nil),
    ]

    @Test(arguments: [Int16(0), 1, 2, 3, 8, 9, 12])
    func metadataBrokersAreMovedAndEverythingElseIsKept(version: Int16) throws {
        let rewritten = try KafkaAddressRewrite.rewrite(Self.metadata(version: version, brokers: Self.brokers),
                                                        apiKey: KafkaAddressRewrite.metadata, version: version, Self.relayed)
        let expected = Self.metadata(version: version, brokers: Self.brokers.map {
            Broker(node: $0.node, host: "127.0.0.1", port: 40_000 + $0.port % 1000, rack: $0.rack)
        })
        #expect(rewritten == expected)
    }

    @Test(arguments: [Int16(0), 1, 2, 3, 4, 6])
    func coordinatorsAreMovedAndAnUnavailableOneIsKept(version: Int16) throws {
        let coordinators = version >= 4 ? [Self.brokers[1], Broker(node: -1, host: "", port: -1, rack: nil)] : [Self.brokers[0]]
        let rewritten = try KafkaAddressRewrite.rewrite(Self.findCoordinator(version: version, coordinators),
                                                        apiKey: KafkaAddressRewrite.findCoordinator, version: version, Self.relayed)
        let expected = Self.findCoordinator(version: version, coordinators.map {
            $0.port > 0 ? Broker(node: $0.node, host: "127.0.0.1", port: 40_000 + $0.port % 1000, rack: nil) : $0
        })
        #expect(rewritten == expected)
    }

    @Test func aResponseCutShortOrWithAnAbsurdCountIsRefused() {
        let whole = Self.metadata(version: 12, brokers: Self.brokers)
        for length in [0, 3, 4, 5, 9, 20, 60] {
            #expect(throws: KafkaWireError.self, "cut at \(length)") {
                try KafkaAddressRewrite.rewrite(Array(whole.prefix(length)), apiKey: 3, version: 12, Self.relayed)
            }
        }
        var absurd = Frame(flexible: false)
        absurd.int32(1); absurd.int32(0); absurd.int32(Int32.max)
        #expect(throws: KafkaWireError.self) { try KafkaAddressRewrite.rewrite(absurd.bytes, apiKey: 3, version: 3, Self.relayed) }
        var endless = Frame(flexible: true)
        endless.int32(1); endless.bytes += [0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        #expect(throws: KafkaWireError.self) { try KafkaAddressRewrite.rewrite(endless.bytes, apiKey: 3, version: 12, Self.relayed) }
    }

    // MARK: the filter of one connection

    static func request(apiKey: Int16, version: Int16, correlation: Int32, body: [UInt8] = [0, 0]) -> [UInt8] {
        var frame = Frame(flexible: false)
        frame.int32(Int32(8 + body.count))
        frame.int16(apiKey); frame.int16(version); frame.int32(correlation)
        return frame.bytes + body
    }

    static func sized(_ payload: [UInt8]) -> [UInt8] { withUnsafeBytes(of: Int32(payload.count).bigEndian, Array.init) + payload }

    static func filter() -> KafkaAddressFilter {
        KafkaAddressFilter(logger: Logger(label: "leafsync.tests.kafka-filter")) { relayed($0) }
    }

    /// Feeds `bytes` to the filter in pieces of `piece` bytes; returns what the client got.
    static func downstream(_ filter: KafkaAddressFilter, _ bytes: [UInt8], piece: Int) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: piece).flatMap { start in
            bytes[start..<min(start + piece, bytes.count)].withUnsafeBytes { filter.downstream($0) }
        }
    }

    @Test(arguments: [1, 3, 7, 64, 100_000])
    func onlyAnsweredMetadataAndCoordinatorRequestsAreRewrittenWhateverTheSplit(piece: Int) {
        let filter = Self.filter()
        // A produce (key 0), a metadata v12 and a find-coordinator v2 request, in one write.
        let requests = Self.request(apiKey: 0, version: 9, correlation: 1, body: Array(repeating: 9, count: 300))
            + Self.request(apiKey: 3, version: 12, correlation: 2) + Self.request(apiKey: 10, version: 2, correlation: 3)
        stride(from: 0, to: requests.count, by: piece).forEach { start in
            requests[start..<min(start + piece, requests.count)].withUnsafeBytes { filter.upstream($0) }
        }
        // A produce response that happens to look like metadata (correlation 1 asked for a produce),
        // a fetch response nobody asked for, and the two answers.
        let lookalike = Self.metadata(version: 12, brokers: Self.brokers, correlation: 1)
        let stranger = Self.metadata(version: 12, brokers: Self.brokers, correlation: 99)
        let metadata = Self.metadata(version: 12, brokers: Self.brokers, correlation: 2)
        let coordinator = Self.findCoordinator(version: 2, [Self.brokers[0]], correlation: 3)
        let output = Self.downstream(filter, [lookalike, stranger, metadata, coordinator].flatMap(Self.sized), piece: piece)

        let moved = Self.brokers.map { Broker(node: $0.node, host: "127.0.0.1", port: 40_000 + $0.port % 1000, rack: $0.rack) }
        let expected = Self.sized(lookalike) + Self.sized(stranger) + Self.sized(Self.metadata(version: 12, brokers: moved, correlation: 2))
            + Self.sized(Self.findCoordinator(version: 2, [moved[0]], correlation: 3))
        #expect(output == expected)
    }

    @Test func anAbsurdFrameSizeStopsTheFollowingAndEverythingPassesUnchanged() {
        let filter = Self.filter()
        Self.request(apiKey: 3, version: 12, correlation: 2).withUnsafeBytes { filter.upstream($0) }
        let garbage: [UInt8] = [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 2] + Array(repeating: 0xab, count: 50)
        let metadata = Self.sized(Self.metadata(version: 12, brokers: Self.brokers, correlation: 2))
        #expect(Self.downstream(filter, garbage + metadata, piece: 5) == garbage + metadata)

        let negative = Self.filter()
        let request: [UInt8] = [0xff, 0xff, 0xff, 0xf0] + Self.request(apiKey: 3, version: 12, correlation: 2)
        request.withUnsafeBytes { negative.upstream($0) }
        #expect(Self.downstream(negative, metadata, piece: 4) == metadata, "a lost request stream must not rewrite anything")
    }

    @Test func anUnreadableAnswerIsForwardedAsItCame() {
        let filter = Self.filter()
        Self.request(apiKey: 3, version: 12, correlation: 2).withUnsafeBytes { filter.upstream($0) }
        let truncated = Self.sized(Array(Self.metadata(version: 12, brokers: Self.brokers, correlation: 2).prefix(12)))
        let next = Self.sized([0, 0, 0, 5, 1, 2, 3])
        #expect(Self.downstream(filter, truncated + next, piece: 3) == truncated + next)
    }
}
