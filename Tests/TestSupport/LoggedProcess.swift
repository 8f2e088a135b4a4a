import Foundation

/// Starts one of our executables as a child process with its standard output and error
/// appended to `log`.
///
/// The redirection is done by `/bin/sh -c 'exec …'`, not by handing Foundation's `Process` a
/// `FileHandle`: swift-corelibs-foundation's `Process` mishandles descriptors under
/// concurrency (swiftlang/swift#57827), and a suite that starts dozens of children in parallel
/// once saw a libpq socket of another test fail with EBADF. `exec` keeps the child's pid, so
/// signals still reach the executable itself.
public func startLoggedProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                               log: URL) throws -> Process {
    guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TestFailure("cannot create \(log.path)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", #"exec "$0" "$@" >>"$LEAFSYNC_CHILD_LOG" 2>&1 </dev/null"#, executable.path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        .merging(["LEAFSYNC_CHILD_LOG": log.path]) { $1 }
    try process.run()
    return process
}
