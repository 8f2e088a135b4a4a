/// A librdkafka version, as `rd_kafka_version()` encodes it: `0xMMmmrrpp` (major, minor,
/// revision, pre-release; `0xff` pre-release for a final release).
public struct KafkaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public init(major: Int, minor: Int, patch: Int) {
        rawValue = Int32(truncatingIfNeeded: major << 24 | minor << 16 | patch << 8 | 0xff)
    }

    public var major: Int { Int(rawValue >> 24 & 0xff) }
    public var minor: Int { Int(rawValue >> 16 & 0xff) }
    public var patch: Int { Int(rawValue >> 8 & 0xff) }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: KafkaVersion, rhs: KafkaVersion) -> Bool {
        // The raw value grows with every release, pre-releases before the final one.
        UInt32(bitPattern: lhs.rawValue) < UInt32(bitPattern: rhs.rawValue)
    }

    /// The oldest librdkafka that reads KIP-482 tagged fields correctly.
    public static let minimumSupported = KafkaVersion(major: 2, minor: 2, patch: 0)

    /// Checks `version` against `minimumSupported`.
    /// - Parameters:
    ///   - allowOld: accept an older library anyway (`--allow-old-librdkafka`), for brokers that
    ///     send no tagged fields.
    /// - Throws: `KafkaError` `.unsupportedLibrary`, explaining the bug and how to get a newer
    ///   library, when `version` is too old and `allowOld` is false.
    public static func check(_ version: KafkaVersion, allowOld: Bool) throws(KafkaError) {
        guard version < minimumSupported, !allowOld else { return }
        throw KafkaError(code: .unsupportedLibrary, message: """
            librdkafka \(version) is loaded, but LeafSync needs \(minimumSupported) or newer. Versions \
            before 2.2.0 mis-parse KIP-482 tagged fields, so against modern brokers (Tansu, KRaft \
            Kafka) every connection fails with "ApiVersionRequest failed: Local: Read underflow"; \
            no client setting fixes it. Run with a newer librdkafka: scripts/install-deps.sh puts \
            the one from PyPI's confluent-kafka wheel at .venv/rdkafka-lib/librdkafka.so.1, so \
            start with LD_LIBRARY_PATH=<repo>/.venv/rdkafka-lib; or use Ubuntu 24.04's librdkafka \
            (2.3). Pass --allow-old-librdkafka to start anyway.
            """)
    }
}
