import ImageModel
import JSON
import Primitives
import StoreVerification
import TestSupport
import Testing

/// The digest and the renderings, without servers.
@Suite struct VerificationReportTests {
    @Test func fnv1aMatchesPublishedVectors() {
        var empty = FNV1a64()
        empty.combine([UInt8]())
        #expect(empty.value == 0xcbf2_9ce4_8422_2325)
        var a = FNV1a64()
        a.combine(Array("a".utf8))
        #expect(a.value == 0xaf63_dc4c_8601_ec8c)
        var foobar = FNV1a64()
        foobar.combine(Array("foobar".utf8))
        #expect(foobar.value == 0x8594_4171_f739_67e8)
    }

    @Test func digestCoversIDAndEveryFieldButNotVersion() {
        let base = Image.make(id: 1, disease: "Healthy", percentage: 0.25)
        var renumbered = base
        renumbered.id = 2
        var variants = [renumbered]
        for field in ImageField.allCases {
            var changed = base
            switch field {
            case .cameraID: changed.cameraID = 2
            case .data: changed.data.append(0)
            case .gpsCoordinates: changed.gpsCoordinates.longitude += 1e-9
            case .createdAt: changed.createdAt = Timestamp(millisecondsSinceEpoch: 1)
            case .updatedAt: changed.updatedAt = nil
            case .isActive: changed.isActive.toggle()
            case .isDeleted: changed.isDeleted.toggle()
            case .disease: changed.disease = nil
            case .percentage: changed.percentage = 0.5
            }
            #expect(base.differingFields(from: changed) == [field])
            variants.append(changed)
        }
        let digests = Set(([base] + variants).map(\.verificationDigest))
        #expect(digests.count == ImageField.allCases.count + 2)
        var bumped = base
        bumped.version = 7
        #expect(bumped.verificationDigest == base.verificationDigest)
        #expect(base.differingFields(from: bumped).isEmpty)
    }

    /// Doubles compare by bit pattern, as the stores keep them: `-0.0` is not `0.0`, NaN is itself.
    @Test func doublesDifferByBitPattern() {
        var zero = Image.make(id: 1, percentage: 0)
        var negativeZero = zero
        negativeZero.percentage = -0.0
        #expect(zero.differingFields(from: negativeZero) == [.percentage])
        zero.gpsCoordinates.latitude = .nan
        negativeZero = zero
        #expect(zero.differingFields(from: negativeZero).isEmpty)
    }

    static let sample: VerificationReport = {
        var potato = PlantReport(plant: .potato)
        (potato.producerCount, potato.consumerCount, potato.missing, potato.different) = (10, 9, 1, 2)
        potato.details = [
            RecordDifference(kind: .missing, id: 4, producerDigest: 0x0123_4567_89ab_cdef, consumerDigest: nil),
            RecordDifference(kind: .different, id: 7, producerDigest: 1, consumerDigest: 0xff, fields: [.data, .updatedAt]),
        ]
        var tomato = PlantReport(plant: .tomato)
        (tomato.producerCount, tomato.consumerCount) = (5, 5)
        return VerificationReport(plants: [potato, tomato])
    }()

    @Test func textHasASummaryLinePerPlantAndTheDetails() {
        #expect(!Self.sample.isEqual)
        #expect(Self.sample.text == """
            potato: producer 10, consumer 9, missing 1, extra 0, different 2 — DIFFERENT
              missing    id 4  producer 0123456789abcdef  consumer -
              different  id 7  producer 0000000000000001  consumer 00000000000000ff  fields data, updated_at
              … and 1 more differences not shown
            tomato: producer 5, consumer 5, missing 0, extra 0, different 0 — equal
            result: DIFFERENT (potato)

            """)
        let equal = VerificationReport(plants: [Self.sample.plants[1]])
        #expect(equal.isEqual)
        #expect(equal.text.hasSuffix("— equal\nresult: equal\n"))
    }

    @Test func jsonIsParseableAndComplete() throws {
        let parsed = try JSONParser.parse(Self.sample.json)
        #expect(parsed["equal"] == .bool(false))
        guard case .array(let plants)? = parsed["plants"], plants.count == 2 else {
            Issue.record("plants is not an array of two: \(parsed)")
            return
        }
        #expect(plants[0]["plant"] == .string("potato"))
        #expect(try plants[0]["not_shown"] == JSONParser.parse("1"))
        #expect(plants[1]["equal"] == .bool(true))
        guard case .array(let differences)? = plants[0]["differences"] else {
            Issue.record("differences is not an array")
            return
        }
        #expect(differences[0]["consumer_digest"] == .null)
        #expect(differences[0]["producer_digest"] == .string("0123456789abcdef"))
        #expect(differences[1]["fields"] == .array([.string("data"), .string("updated_at")]))
    }
}
