import Foundation

/// A process's CPU time so far and its peak resident memory, read from /proc (Linux).
struct ProcessUsage: Sendable {
    /// utime + stime: user and system CPU time since it started (its threads included, children not).
    let cpuSeconds: Double
    /// VmHWM: the highest resident set size so far, over the whole life of the process.
    let peakRSSBytes: UInt64

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Nil when the process is gone or /proc cannot be read.
    static func read(pid: Int32) -> ProcessUsage? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let commEnd = stat.lastIndex(of: ")") else { return nil }
        // The command name in parentheses may hold spaces; the fields after it start at field 3
        // (state), so utime (field 14) and stime (15) are the 12th and 13th.
        let fields = stat[stat.index(after: commEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        // `VmHWM:\t   12345 kB`
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = UInt64(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return ProcessUsage(cpuSeconds: (user + system) / ticksPerSecond, peakRSSBytes: kilobytes * 1024)
    }
}
