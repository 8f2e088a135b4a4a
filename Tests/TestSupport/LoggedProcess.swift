import Foundation

/// Starts one of our executables as a child process with its standard output and error
/// appended to `log`.
///
/// The redirection is done by `/bin/sh -c 'exec …'`, not by handing Foundation's `Process` a
/// `FileHandle`: swift-corelibs-foundation's `Process` mishandles descriptors under
/// concurrency (swiftlang/swift#57827), and a suite that starts dozens of children in parallel
/// once saw a libpq socket of another test fail with EBADF. `exec` keeps the child's pid, so
/// signals still reach the executable itself.
///
/// `MONGOC_DISABLE_SHM` keeps libmongoc's statistics counters out of `/dev/shm`: a child the
/// tests SIGKILL leaves its `/dev/shm/mongoc-<pid>` behind, and a later child given that pid
/// (pids wrap at 32,768) then printed "Falling back to malloc for counters" into its output.
public func startLoggedProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                               log: URL) throws -> Process {
    guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TestFailure("cannot create \(log.path)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", #"exec "$0" "$@" >>"$LEAFSYNC_CHILD_LOG" 2>&1 </dev/null"#, executable.path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        .merging(["LEAFSYNC_CHILD_LOG": log.path, "MONGOC_DISABLE_SHM": "1"]) { $1 }
    try process.run()
    return process
}

/// Every thread's stack of the running process `pid`, from gdb (empty when gdb cannot attach):
/// a process that does not stop or answer in time says where it is stuck. Runs off the
/// cooperative pool, which has only two threads on small machines.
public func stackDump(of pid: Int32) async -> String {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-stacks-\(pid)-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: output) }
    guard let process = try? startLoggedProcess(URL(fileURLWithPath: "/usr/bin/timeout"),
                                                ["60", "gdb", "-p", "\(pid)", "-batch", "-ex", "thread apply all bt 25"], log: output)
    else { return "" }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            process.waitUntilExit()
            continuation.resume()
        }
    }
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { $0.hasPrefix("Thread ") || $0.hasPrefix("#") }.joined(separator: "\n")
}
