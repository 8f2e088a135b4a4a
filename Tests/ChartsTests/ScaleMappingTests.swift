@testable import Charts
import Testing

@Suite struct ScaleMappingTests {
    @Test func linearMapsProportionally() {
        let x = ScaleMapping(scale: .linear, domain: 0...10, start: 100, end: 500)
        #expect(x.pixel(0) == 100)
        #expect(x.pixel(2.5) == 200)
        #expect(x.pixel(10) == 500)
        #expect(x.pixel(-5) == -100)
        #expect(!x.contains(10.5))
        #expect(x.clampedPixel(20) == 500)
    }

    @Test func logMapsDecadesEvenly() {
        // A y axis: 1 at the bottom (400), 1000 at the top (100).
        let y = ScaleMapping(scale: .log, domain: 1...1000, start: 400, end: 100)
        #expect(y.pixel(1) == 400)
        #expect(abs(y.pixel(10) - 300) < 1e-9)
        #expect(abs(y.pixel(100) - 200) < 1e-9)
        #expect(abs(y.pixel(1000) - 100) < 1e-9)
        #expect(abs(y.pixel(10.0.squareRoot()) - 350) < 1e-9)
    }

    @Test func logOverTheStalenessRange() {
        let x = ScaleMapping(scale: .log, domain: 0.001...3600, start: 0, end: 660)
        // 1 s is 3 of the log10(3.6e6) ≈ 6.556 decades across.
        #expect(abs(x.pixel(1) - 660 * 3 / 6.556_302_500_767_287) < 1e-6)
        #expect(x.contains(0.001) && x.contains(3600) && !x.contains(4000))
    }
}
