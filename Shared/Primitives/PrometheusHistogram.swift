/// One Prometheus histogram from a scrape (the series of one name whose labels include the
/// given ones, summed per bucket), or the difference of two scrapes: what was observed between them.
public struct PrometheusHistogram: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        /// `le`; `.infinity` for `+Inf`.
        public let upperBound: Double
        /// Cumulative: observations at or below `upperBound`.
        public let count: Double
    }

    /// Ascending by upper bound, `+Inf` last.
    public let buckets: [Bucket]
    public let sum: Double
    public let count: Double

    public init(buckets: [Bucket], sum: Double, count: Double) {
        self.buckets = buckets
        self.sum = sum
        self.count = count
    }

    /// `name`'s `_bucket`, `_sum` and `_count` series in `metrics`; empty when it has none.
    public init(_ metrics: PrometheusText, _ name: String, _ labels: [String: String] = [:]) {
        var byBound: [Double: Double] = [:]
        for sample in metrics.series("\(name)_bucket", labels) {
            guard let le = sample.labels["le"], let bound = le == "+Inf" ? .infinity : Double(le) else { continue }
            byBound[bound, default: 0] += sample.value
        }
        self.init(buckets: byBound.sorted { $0.key < $1.key }.map { Bucket(upperBound: $0.key, count: $0.value) },
                  sum: metrics.sum("\(name)_sum", labels), count: metrics.sum("\(name)_count", labels))
    }

    /// What was observed after `earlier` and up to `self` (the same histogram, scraped later).
    public func since(_ earlier: PrometheusHistogram) -> PrometheusHistogram {
        let before = Dictionary(earlier.buckets.map { ($0.upperBound, $0.count) }, uniquingKeysWith: +)
        return PrometheusHistogram(buckets: buckets.map { Bucket(upperBound: $0.upperBound, count: $0.count - (before[$0.upperBound] ?? 0)) },
                         sum: sum - earlier.sum, count: count - earlier.count)
    }

    /// The upper bound of the bucket the `q` quantile falls in (the first whose cumulative count
    /// reaches q × count); nil when nothing was observed
    /// or when it falls in `+Inf`, beyond the last finite bound.
    public func quantileUpperBound(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        return buckets.first { $0.count >= q * count }.flatMap { $0.upperBound.isFinite ? $0.upperBound : nil }
    }

    /// The upper bound of the highest non-empty bucket: a histogram keeps no maximum. Nil as for
    /// `quantileUpperBound`.
    public var maxUpperBound: Double? { quantileUpperBound(1) }

    /// Observations above the last finite bound.
    public var overflow: Double {
        let finite = buckets.last { $0.upperBound.isFinite }?.count ?? 0
        return count - finite
    }
}
