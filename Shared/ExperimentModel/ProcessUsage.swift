/// A process's CPU time so far and its peak resident memory (the runner reads them from /proc).
public struct ProcessUsage: Sendable {
    /// utime + stime: user and system CPU time since it started (its threads included, children not).
    public let cpuSeconds: Double
    /// VmHWM: the highest resident set size so far, over the whole life of the process.
    public let peakRSSBytes: UInt64

    public init(cpuSeconds: Double, peakRSSBytes: UInt64) {
        (self.cpuSeconds, self.peakRSSBytes) = (cpuSeconds, peakRSSBytes)
    }
}
