import Foundation
@testable import TCPRelay

/// What this process has open, read from /proc/self.
enum ProcessInspection {
    /// The descriptors in /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    /// How many open sockets are bound to `localPort` or connected to `peerPort`. Other suites
    /// run in the same process at the same time, so descriptors are matched by port rather
    /// than counted in total.
    static func sockets(localPort: UInt16? = nil, peerPort: UInt16? = nil) -> Int {
        openDescriptors().filter { fd in
            let socket = BlockingSocket(descriptor: fd)
            if let localPort, (try? socket.localPort()) == localPort { return true }
            if let peerPort, (try? socket.peerPort()) == peerPort { return true }
            return false
        }.count
    }

    /// The names of this process's threads that start with `prefix`.
    static func threads(named prefix: String) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }.filter { $0.hasPrefix(prefix) }
    }
}
