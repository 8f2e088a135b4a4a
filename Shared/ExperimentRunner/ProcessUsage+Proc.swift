import ExperimentModel
import Foundation

extension ProcessUsage {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Reads /proc/<pid>/stat and /proc/<pid>/status (Linux); nil when the process is gone or
    /// /proc cannot be read.
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
