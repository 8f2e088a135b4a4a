@testable import Charts
import Testing

@Suite struct TicksTests {
    @Test func linearUsesOneTwoFiveStepsAndWidensToThem() {
        let ticks = Ticks.linear(0...9.3, fixed: nil, unit: .plain)
        #expect(ticks.ticks.map(\.value) == [0, 2, 4, 6, 8, 10])
        #expect(ticks.labels == ["0", "2", "4", "6", "8", "10"])
        #expect(ticks.domain == 0...10)
    }

    @Test func linearAutoRangeIncludesZero() {
        let ticks = Ticks.linear(30...95, fixed: nil, unit: .plain)
        #expect(ticks.domain == 0...100)
        #expect(ticks.labels == ["0", "20", "40", "60", "80", "100"])
    }

    @Test func linearFixedRangeKeepsItsBounds() {
        let ticks = Ticks.linear(0.2...0.7, fixed: 0...1, unit: .plain)
        #expect(ticks.domain == 0...1)
        #expect(ticks.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func linearBytesStepInIECUnits() {
        let ticks = Ticks.linear(0...(3.4 * 1_073_741_824), fixed: nil, unit: .bytes)
        #expect(ticks.labels == ["0", "1 GiB", "2 GiB", "3 GiB", "4 GiB"])
        let small = Ticks.linear(0...(900 * 1024), fixed: nil, unit: .bytes)
        #expect(small.labels == ["0", "200 KiB", "400 KiB", "600 KiB", "800 KiB", "1000 KiB"])
    }

    @Test func linearDurationsStepInClockUnits() {
        #expect(Ticks.linear(0...3600, fixed: nil, unit: .seconds).labels
                == ["0", "10 min", "20 min", "30 min", "40 min", "50 min", "60 min"])
        #expect(Ticks.linear(0...1.8, fixed: nil, unit: .seconds).labels
                == ["0", "0.5 s", "1 s", "1.5 s", "2 s"])
        #expect(Ticks.linear(0...0.09, fixed: nil, unit: .seconds).labels
                == ["0", "20 ms", "40 ms", "60 ms", "80 ms", "100 ms"])
    }

    @Test func logPlainNumbersTickAtDecades() {
        let ticks = Ticks.log(0.001...3600, fixed: 0.001...3600, unit: .plain)
        let majors = ticks.ticks.filter { $0.label != nil }
        #expect(majors.map(\.value) == [0.001, 0.01, 0.1, 1, 10, 100, 1000])
        #expect(majors.compactMap(\.label) == ["0.001", "0.01", "0.1", "1", "10", "100", "1k"])
        let minors = ticks.ticks.filter { $0.label == nil }.map(\.value)
        #expect(minors.first == 0.002 && minors.last == 2000)
        #expect(minors.count == 13)
    }

    @Test func logDurationsTickAtClockDecades() {
        let ticks = Ticks.log(0.004...700, fixed: 0.001...3600, unit: .seconds)
        #expect(ticks.labels == ["1 ms", "10 ms", "100 ms", "1 s", "10 s", "1 min", "10 min", "1 h"])
        #expect(ticks.domain == 0.001...3600)
    }

    @Test func logAutoRangeWidensToMajors() {
        let ticks = Ticks.log(150_000...3.4e9, fixed: nil, unit: .bytes)
        #expect(ticks.domain == 102_400...(10 * 1_073_741_824))
        #expect(ticks.labels.first == "100 KiB" && ticks.labels.last == "10 GiB")
    }

    @Test func narrowLogRangesLabelTheMinorsToo() {
        let ticks = Ticks.log(200_000...1_100_000, fixed: nil, unit: .bytes)
        #expect(ticks.labels == ["100 KiB", "200 KiB", "500 KiB", "1 MiB", "2 MiB", "5 MiB", "10 MiB"])
    }

    @Test func manyDecadesAreThinnedToReadableLabels() {
        let ticks = Ticks.log(1e-9...1e12, fixed: nil, unit: .plain)
        #expect(ticks.labels.count <= Ticks.maxLogLabels)
        #expect(ticks.labels.first == "0.000000001")
    }
}
