import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics, bootstrapped once by an executable's `@main`.
public enum Observability {
    /// Buckets for request and query latencies: sub-millisecond to seconds.
    public static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
    ]

    /// Installs the line log handler at `level` and a Prometheus metrics factory; returns the
    /// registry that `/metrics` renders. Call once per process (swift-log and swift-metrics
    /// allow a single bootstrap).
    /// - Parameter histogramBuckets: buckets of particular duration histograms, by metric name,
    ///   for those whose range differs from request latencies.
    public static func bootstrap(level: Logger.Level,
                                 histogramBuckets: [String: [Duration]] = [:]) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { LineLogHandler(label: $0, level: level) }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.durationHistogramBuckets = histogramBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
