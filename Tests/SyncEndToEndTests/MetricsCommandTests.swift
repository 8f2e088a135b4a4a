import Foundation
import Testing

/// `sync-bench metrics`, the scripts' reader of saved `/metrics` pages, as the scripts run it.
@Suite struct MetricsCommandTests {
    static func page(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-metrics-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func metrics(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ServiceProcess("sync-bench", ["metrics"] + arguments)
        let status = try await process.waitForExit()
        return (status, process.log.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func sumsSeriesByLabelAndReadsAHistogramBetweenTwoPages() async throws {
        let counters = try Self.page("""
            # TYPE consumer_events_applied_total counter
            consumer_events_applied_total{op="create"} 3
            consumer_events_applied_total{op="update"} 4.5
            consumer_events_stale_total 2
            """)
        #expect(try await Self.metrics([counters, "consumer_events_applied_total", "consumer_events_stale_total"]) == (0, "9.5"))
        #expect(try await Self.metrics([counters, "consumer_events_applied_total", "--label", "op=create"]) == (0, "3"))
        #expect(try await Self.metrics([counters, "absent_total"]) == (0, "0"))
        #expect(try await Self.metrics(["/dev/null", "consumer_events_applied_total"]) == (0, "0"), "an empty page, as the scripts pass")

        func histogram(_ fast: Int, _ all: Int, sum: Double) throws -> String {
            try Self.page("""
                s_bucket{le="0.01"} \(fast)
                s_bucket{le="0.05"} \(all)
                s_bucket{le="+Inf"} \(all)
                s_sum \(sum)
                s_count \(all)
                """)
        }
        let before = try histogram(5, 10, sum: 0.1), after = try histogram(55, 110, sum: 2.1)
        let between = try await Self.metrics([after, "--histogram", "s", "--since", before, "--quantile", "0.5", "--quantile", "0.99"])
        #expect(between == (0, "10 50 100 20.0"), "\(between)")
        let none = try await Self.metrics([before, "--histogram", "s", "--since", before, "--quantile", "0.5"])
        #expect(none == (0, "n/a 0 0.0"), "\(none)")
    }

    @Test(arguments: [["PAGE"], ["PAGE", "a", "--histogram", "s"], ["PAGE", "a", "--label", "op"], ["PAGE", "a", "--since", "PAGE"],
                      ["PAGE", "--histogram", "s", "--quantile", "1.5"], ["/nonexistent/page", "a"]])
    func nonsenseIsRefusedWithAReason(arguments: [String]) async throws {
        let page = try Self.page("a 1\n")
        let (status, output) = try await Self.metrics(arguments.map { $0 == "PAGE" ? page : $0 })
        #expect(status != 0 && !output.isEmpty, "\(output)")
    }
}
