import ImageModel
import Kafka
@testable import StreamSync
import Testing

/// The bootstrap's stored progress reads back as written, and what does not read is refused
/// with the reason, never misread as another bootstrap's progress.
@Suite struct BootstrapStateTests {
    static let state: BootstrapState = {
        var state = BootstrapState(positions: [KafkaTopicPartitionOffset(topic: "potato", partition: 2, offset: .max),
                                               KafkaTopicPartitionOffset(topic: "tomato", partition: 0, offset: 0)],
                                   totals: [.potato: 10, .pepper: 7], startedAt: Timestamp(millisecondsSinceEpoch: 1_765_000_000_000))
        state.plants[0].afterID = .max
        state.plants[0].copied = 12
        state.plants[0].done = true
        return state
    }()

    @Test func aStateReadsBackAsWritten() throws {
        let read = try BootstrapState(text: Self.state.text)
        #expect(read == Self.state)
        #expect(read.offsets.map(\.description) == ["potato[2]@\(Int64.max)", "tomato[0]@0"])
        // More copied than counted at the start (records created meanwhile) counts as copied.
        #expect(read.copied == 12 && read.total == 12 + 0 + 7)
        var finished = read
        finished.finishedAt = 1
        #expect(try BootstrapState(text: finished.text).finishedAt == 1)
    }

    @Test func refusalsReadBackAndAStateStoredBeforeThemReadsAsNone() throws {
        var refusing = Self.state
        refusing.plants[1].refused = 3
        refusing.plants[1].refusals = [.init(imageID: 4, reason: "violates check constraint \"refuse\"")]
        let read = try BootstrapState(text: refusing.text)
        #expect(read == refusing && read.refused == 3 && read.total == 12 + 3 + 7)
        #expect(!Self.state.text.contains("refus"), "a state without refusals is written as before them")
        #expect(try BootstrapState(text: Self.state.text).refused == 0)
    }

    @Test(arguments: [
        "", "null", "[]", "{}", "not json", #"{"format":1}"#,
        // Another format, a plant missing, one twice, one unknown, a position's offset not a number.
        "FORMAT2", "NO_PEPPER", "TWO_POTATOES", "CUCUMBER", "OFFSET_TEXT",
    ])
    func whatDoesNotReadIsRefusedWithTheReason(variant: String) {
        let good = Self.state.text
        let text = switch variant {
        case "FORMAT2": good.replacingOccurrences(of: #""format":1"#, with: #""format":2"#)
        case "NO_PEPPER": good.replacingOccurrences(of: #""plant":"pepper""#, with: #""plant":"potato""#)
        case "TWO_POTATOES": good.replacingOccurrences(of: #""plant":"tomato""#, with: #""plant":"potato""#)
        case "CUCUMBER": good.replacingOccurrences(of: #""plant":"tomato""#, with: #""plant":"cucumber""#)
        case "OFFSET_TEXT": good.replacingOccurrences(of: #""offset":0"#, with: #""offset":"0; DROP TABLE images""#)
        default: variant
        }
        #expect(text != good)
        do {
            _ = try BootstrapState(text: text)
            Issue.record("\(variant) was read")
        } catch {
            #expect(error.code == .invalidField && error.message.contains("bootstrap_state"))
        }
    }

    @Test func aPageAimsAtItsBudgetByTheLargestRecordSeen() {
        var sizer = PageSizer(budget: 8 << 20)
        // Before any record: as if every one were of the largest legal size.
        #expect(sizer.limit == (8 << 20) / (EventLimits.maxImageBytes + EventLimits.maxFieldBytes))
        sizer.observe([Image.sized(30_000), Image.sized(20_000)])
        #expect(sizer.limit == (8 << 20) / (30_000 + EventLimits.maxFieldBytes))
        sizer.observe([Image.sized(100)])
        #expect(sizer.limit == (8 << 20) / (30_000 + EventLimits.maxFieldBytes), "a smaller record does not grow the page")
        sizer.observe([Image.sized(400_000)])
        #expect(sizer.limit == (8 << 20) / (400_000 + EventLimits.maxFieldBytes))
        sizer.observe([Image.sized(EventLimits.maxImageBytes)])
        sizer.observe([Image.sized(10)])
        #expect(sizer.limit == (8 << 20) / (EventLimits.maxImageBytes + EventLimits.maxFieldBytes), "the largest seen stays")
        sizer.observe([])
        #expect(PageSizer(budget: 1).limit == 1)
        var tiny = PageSizer(budget: 1 << 30)
        tiny.observe([Image.sized(0)])
        #expect(tiny.limit == PageSizer.maxLimit)
    }
}

extension Image {
    static func sized(_ bytes: Int) -> Image {
        Image(id: 1, cameraID: 1, data: Array(repeating: 0xFF, count: bytes), gpsCoordinates: GPSCoordinates(latitude: 0, longitude: 0),
              createdAt: Timestamp(millisecondsSinceEpoch: 0), updatedAt: nil, isActive: false, isDeleted: false, disease: nil,
              percentage: nil, version: 1)
    }
}
