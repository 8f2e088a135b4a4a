@testable import Charts
import Testing

@Suite struct UnitFormatTests {
    @Test(arguments: [
        (0.0, "0 B"), (512, "512 B"), (1536, "1.5 KiB"), (1_048_576, "1 MiB"), (5.5 * 1_073_741_824, "5.5 GiB"),
        (1023.9, "1 KiB"), (1_000 * 1024, "1000 KiB"), (123_456_789, "118 MiB"),
    ] as [(Double, String)])
    func bytesInIECUnits(value: Double, expected: String) {
        #expect(UnitFormat.format(value, unit: .bytes) == expected)
    }

    @Test(arguments: [
        (0.0, "0 s"), (0.001, "1 ms"), (0.0005, "500 µs"), (0.0184, "18.4 ms"), (2.5, "2.5 s"), (90, "1.5 min"),
        (600, "10 min"), (7200, "2 h"), (3 * 86_400, "3 d"),
    ] as [(Double, String)])
    func durationsInTheLargestUnitThatFits(value: Double, expected: String) {
        #expect(UnitFormat.format(value, unit: .seconds) == expected)
    }

    @Test(arguments: [
        (0.0, "0"), (12, "12"), (0.25, "0.25"), (0.001, "0.001"), (1500, "1.5k"), (2e6, "2M"), (-3500, "-3.5k"),
        (4.99, "4.99"), (16.666, "16.7"), (999.6, "1k"),
    ] as [(Double, String)])
    func numbersWithSISuffixes(value: Double, expected: String) {
        #expect(UnitFormat.format(value, unit: .number(unit: "changes/s")) == expected)
    }

    @Test func fixedDecimalsAreExactAndSigned() {
        #expect(UnitFormat.fixed(3.14159, decimals: 2) == "3.14")
        #expect(UnitFormat.fixed(12.5, decimals: 2) == "12.50")
        #expect(UnitFormat.fixed(-2.26, decimals: 1) == "-2.3")
        #expect(UnitFormat.fixed(-0.001, decimals: 2) == "0.00")
        #expect(UnitFormat.fixed(0.05, decimals: 3) == "0.050")
        #expect(UnitFormat.fixed(7, decimals: 0) == "7")
    }

    @Test func axisTitlesCarryTheUnit() {
        #expect(Axis(title: "Change rate", unit: .number(unit: "changes/s")).titleWithUnit == "Change rate (changes/s)")
        #expect(Axis(title: "Transferred", unit: .bytes).titleWithUnit == "Transferred (bytes)")
        #expect(Axis(title: "Fraction", unit: .plain).titleWithUnit == "Fraction")
        // Duration labels carry their own units (1 ms … 1 h).
        #expect(Axis(title: "Staleness", unit: .seconds).titleWithUnit == "Staleness")
    }
}
