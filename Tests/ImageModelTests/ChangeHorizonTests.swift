import ImageModel
import Testing

/// A stored watermark is a row anyone may have edited: only well-formed values come back, and
/// a snapshot's text reaches SQL only as digits, colons and commas.
@Suite struct ChangeHorizonTests {
    @Test(arguments: [
        ChangeHorizon.postgresSnapshot("100:104:100,102"), .postgresSnapshot("7:7:"),
        .postgresSnapshot("18446744073709551615:18446744073709551615:"), .serverClock(Timestamp(millisecondsSinceEpoch: -5)),
        .serverClock(Timestamp(millisecondsSinceEpoch: .max)),
    ])
    func aStoredHorizonReadsBackAsItWas(horizon: ChangeHorizon) {
        #expect(ChangeHorizon(kind: horizon.kind, storedValue: horizon.storedValue) == horizon)
    }

    @Test(arguments: [
        ("postgres-snapshot", ""), ("postgres-snapshot", "1:2"), ("postgres-snapshot", "1:2:3:4"), ("postgres-snapshot", "a:2:"),
        ("postgres-snapshot", "1:2:3,"), ("postgres-snapshot", "1:2:,3"), ("postgres-snapshot", "-1:2:"),
        ("postgres-snapshot", "1:2:'; DROP TABLE images; --"), ("postgres-snapshot", "١:٢:"),
        ("postgres-snapshot", "123456789012345678901:1:"), ("server-clock-ms", "12.5"), ("server-clock-ms", "9223372036854775808"),
        ("server-clock-ms", ""), ("time", "100"), ("", ""),
    ])
    func aMalformedStoredHorizonIsNone(kind: String, value: String) {
        #expect(ChangeHorizon(kind: kind, storedValue: value) == nil)
    }

    @Test func onlyAClockIsWidenedByTheMargin() {
        let clock = ChangeHorizon.serverClock(Timestamp(millisecondsSinceEpoch: 100_000))
        #expect(clock.widened(by: .seconds(60)) == .serverClock(Timestamp(millisecondsSinceEpoch: 40_000)))
        #expect(clock.widened(by: .milliseconds(1500)) == .serverClock(Timestamp(millisecondsSinceEpoch: 98_500)))
        #expect(ChangeHorizon.postgresSnapshot("5:9:6").widened(by: .seconds(60)) == .postgresSnapshot("5:9:6"))
        // Past the earliest time it stops there: no trap, and no wrap to a future that reads nothing.
        let early = ChangeHorizon.serverClock(Timestamp(millisecondsSinceEpoch: .min + 1))
        #expect(early.widened(by: .seconds(315_360_000)) == .serverClock(Timestamp(millisecondsSinceEpoch: .min)))
        #expect(clock.widened(by: .seconds(Int64.max)) == .serverClock(Timestamp(millisecondsSinceEpoch: 100_000 - .max)))
    }
}
