import Primitives

extension ExperimentResults {
    /// Staleness per change from one service's histogram, the difference of two scrapes.
    /// Quantiles and the max are bucket upper bounds (the histogram keeps no exact values):
    /// "p99 ≤ this". Null when nothing was observed or when the quantile lies beyond the
    /// last finite bound (`overflowCount` > 0 then).
    public struct Staleness: Codable, Sendable {
        /// `service metric`, and what one observation is.
        public var source: String
        /// From which scrape to which, and what is excluded.
        public var window: String
        /// Changes (stream: applied events; batch: records a run changed) the window covers.
        public var count: Int
        public var p50UpperBoundSeconds: Double?
        public var p95UpperBoundSeconds: Double?
        public var p99UpperBoundSeconds: Double?
        /// The upper bound of the highest non-empty bucket.
        public var maxUpperBoundSeconds: Double?
        /// sum / count, exact.
        public var meanSeconds: Double?
        public var overflowCount: Int
        /// Batch only: records changed after the batch window's end, left out of the figures above:
        /// by the runner's early catch-up run (and the rest of a scheduled run in progress then, if any).
        public var excludedCatchUpCount: Int?
        /// The finite buckets, cumulative as Prometheus keeps them: the report's CDF. Nil in older results.
        public var buckets: [Bucket]?

        public struct Bucket: Codable, Sendable {
            public var upperBoundSeconds: Double
            public var cumulativeCount: Int
        }

        public init(_ histogram: PrometheusHistogram, source: String, window: String, excludedCatchUpCount: Int? = nil) {
            self.source = source
            self.window = window
            count = Int(histogram.count)
            p50UpperBoundSeconds = histogram.quantileUpperBound(0.5)
            p95UpperBoundSeconds = histogram.quantileUpperBound(0.95)
            p99UpperBoundSeconds = histogram.quantileUpperBound(0.99)
            maxUpperBoundSeconds = histogram.maxUpperBound
            meanSeconds = histogram.count > 0 ? histogram.sum / histogram.count : nil
            overflowCount = Int(histogram.overflow)
            self.excludedCatchUpCount = excludedCatchUpCount
            buckets = histogram.buckets.filter { $0.upperBound.isFinite }
                .map { Bucket(upperBoundSeconds: $0.upperBound, cumulativeCount: Int($0.count)) }
        }
    }

    /// One process's CPU time over the measured window and its peak RSS. A variant's cost is its
    /// own sync process (its consumer or its db-synchronizer); image-api and the brokers are in
    /// `sharedCost`.
    public struct ProcessCost: Codable, Sendable {
        public var process: String
        /// What it does for whom.
        public var role: String
        /// utime + stime over the window (/proc/<pid>/stat ÷ CLK_TCK).
        public var cpuSeconds: Double
        /// cpuSeconds / windowSeconds: the vCPUs it used on average.
        public var averageVcpu: Double
        /// cpuSeconds / windowSeconds × (1000 / changes per second) = cpuSeconds × 1000 / changes:
        /// the vCPUs 1,000 changes/s would need if CPU grew linearly with the change rate.
        public var vcpuPerThousandChangesPerSecond: Double
        /// vCPU used in the idle window after the catch-up (no changes; batch runs go on): the fixed cost.
        public var idleAverageVcpu: Double
        /// As `vcpuPerThousandChangesPerSecond`, from the CPU seconds above the idle rate over
        /// the window: the cost the changes added.
        public var vcpuPerThousandChangesPerSecondAboveIdle: Double
        /// VmHWM: the peak over the process's whole life (setup included), not per change.
        public var peakRssBytes: UInt64

        public init(process: String, role: String, start: ProcessUsage, end: ProcessUsage, windowSeconds: Double, changes: Int,
             idleAverageVcpu: Double) {
            self.process = process
            self.role = role
            cpuSeconds = end.cpuSeconds - start.cpuSeconds
            averageVcpu = windowSeconds > 0 ? cpuSeconds / windowSeconds : 0
            vcpuPerThousandChangesPerSecond = changes > 0 ? cpuSeconds * 1000 / Double(changes) : 0
            self.idleAverageVcpu = idleAverageVcpu
            let aboveIdle = max(0, cpuSeconds - idleAverageVcpu * windowSeconds)
            vcpuPerThousandChangesPerSecondAboveIdle = changes > 0 ? aboveIdle * 1000 / Double(changes) : 0
            peakRssBytes = end.peakRSSBytes
        }
    }
}
