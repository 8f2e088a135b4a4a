import Kafka
import Testing

@Suite("librdkafka version check")
struct KafkaVersionTests {
    @Test func decodesRdKafkaVersionIntegers() {
        let version = KafkaVersion(rawValue: 0x0200_02ff)
        #expect((version.major, version.minor, version.patch) == (2, 0, 2))
        #expect(version.description == "2.0.2")
        #expect(KafkaVersion(rawValue: 0x0210_00ff) == KafkaVersion(major: 2, minor: 16, patch: 0))
    }

    @Test func refusesDebianBookwormsLibraryAndExplainsWhy() {
        #expect {
            try KafkaVersion.check(KafkaVersion(rawValue: 0x0200_02ff), allowOld: false)
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .unsupportedLibrary && ["2.0.2", "2.2.0", "KIP-482", "Read underflow", "Tansu",
                                                        "LD_LIBRARY_PATH", ".venv/rdkafka-lib", "confluent-kafka",
                                                        "Ubuntu 24.04", "--allow-old-librdkafka"]
                .allSatisfy { error.message.contains($0) }
        }
    }

    @Test func refusesAPreReleaseOfTheFirstFixedVersion() {
        // 2.2.0-RC1 (pre-release byte 1) still sorts below the final 2.2.0.
        #expect(throws: KafkaError.self) { try KafkaVersion.check(KafkaVersion(rawValue: 0x0202_0001), allowOld: false) }
    }

    @Test(arguments: [0x0202_00ff, 0x0203_00ff, 0x0210_00ff, 0x0300_00ff] as [Int32])
    func acceptsFixedVersions(raw: Int32) throws {
        try KafkaVersion.check(KafkaVersion(rawValue: raw), allowOld: false)
    }

    @Test func allowOldOverridesTheRefusal() throws {
        try KafkaVersion.check(KafkaVersion(rawValue: 0x0200_02ff), allowOld: true)
    }

    @Test func reportsTheLoadedLibrary() {
        #expect(KafkaVersion.currentString.hasPrefix("\(KafkaVersion.current.major).\(KafkaVersion.current.minor)."))
    }
}
