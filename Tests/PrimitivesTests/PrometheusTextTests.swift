import Primitives
import Testing

@Suite struct PrometheusTextTests {
    static let page = #"""
        # HELP consumer_events_applied_total Events applied.
        # TYPE consumer_events_applied_total counter
        consumer_events_applied_total{op="create",topic="potato"} 3
        consumer_events_applied_total{op="update",topic="potato"} 4.5
        consumer_events_applied_total{op="update",topic="tomato"} 1 1733486400000
        consumer_waiting_changes 2
        odd_labels{path="/a,b",quote="say \"hi\"",slash="c:\\d",nl="x\ny"} 7
        lag_seconds{le="+Inf"} +Inf
        not a sample
        broken{op="create" 1
        nameonly
        """#

    @Test func readsSamplesWithTheirLabelsAndSkipsWhatIsNotOne() {
        let text = PrometheusText(Self.page)
        #expect(text.samples.count == 6)
        #expect(text.sum("consumer_events_applied_total") == 8.5)
        #expect(text.sum("consumer_events_applied_total", ["op": "update"]) == 5.5)
        #expect(text.sum("consumer_events_applied_total", ["op": "update", "topic": "tomato"]) == 1)
        #expect(text.sum("consumer_waiting_changes") == 2)
        #expect(text.sum("absent") == 0 && text.series("absent").isEmpty)
        let odd = text.series("odd_labels").first?.labels
        #expect(odd == ["path": "/a,b", "quote": #"say "hi""#, "slash": #"c:\d"#, "nl": "x\ny"])
        #expect(text.sum("lag_seconds") == .infinity)
    }

    @Test func emptyAndAbsurdPagesHoldNoSamples() {
        for page in ["", "\n\n", "# only a comment", "{}", "x{", #"x{a="b"#, "x 1 2 3", String(repeating: "{", count: 10_000)] {
            #expect(PrometheusText(page).samples.isEmpty, "\(page.prefix(20))")
        }
    }

    static func histogram(_ buckets: [(String, Double)], sum: Double, count: Double) -> String {
        buckets.map { #"staleness_seconds_bucket{topic="potato",le="\#($0.0)"} \#($0.1)"# }.joined(separator: "\n")
            + "\nstaleness_seconds_sum{topic=\"potato\"} \(sum)\nstaleness_seconds_count{topic=\"potato\"} \(count)\n"
    }

    @Test func aHistogramBetweenTwoPagesGivesTheQuantilesBucketAndTheMean() {
        let before = PrometheusHistogram(PrometheusText(Self.histogram([("0.01", 5), ("0.05", 10), ("+Inf", 10)], sum: 0.2, count: 10)),
                                         "staleness_seconds")
        let after = PrometheusHistogram(PrometheusText(Self.histogram([("0.01", 6), ("0.05", 100), ("+Inf", 110)], sum: 4.2, count: 110)),
                                        "staleness_seconds", ["topic": "potato"])
        let observed = after.since(before)
        #expect(observed.count == 100 && abs(observed.sum - 4.0) < 1e-9)
        #expect(observed.quantileUpperBound(0.5) == 0.05)
        #expect(observed.quantileUpperBound(0.95) == nil, "the 95th falls beyond the last finite bound")
        #expect(observed.overflow == 10)
        #expect(PrometheusHistogram(PrometheusText(""), "staleness_seconds").quantileUpperBound(0.5) == nil)
    }
}

@Suite struct FNV1a64Tests {
    @Test func knownVectors() {
        #expect(Array("".utf8).fnv1a == 0xcbf2_9ce4_8422_2325)
        #expect(Array("a".utf8).fnv1a == 0xaf63_dc4c_8601_ec8c)
        #expect(Array("foobar".utf8).fnv1a == 0x8594_4171_f739_67e8)
    }

    @Test func lengthPrefixesKeepAdjacentFieldsApart() {
        var one = FNV1a64(), two = FNV1a64()
        one.combine(lengthPrefixed: Array("ab".utf8)); one.combine(lengthPrefixed: Array("c".utf8))
        two.combine(lengthPrefixed: Array("a".utf8)); two.combine(lengthPrefixed: Array("bc".utf8))
        #expect(one.value != two.value)
    }
}
