import ExperimentModel
import Foundation
import Synchronization

/// One process the runner started (a LeafSync service, a seeder, a Tansu broker), its output
/// in a log file of its own.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is only started, signalled and polled, which Process allows from any thread.
    let name: String
    let logURL: URL
    private let process: Process

    /// Starts `executable` with `arguments`; stdout and stderr go to `<logDirectory>/<name>.log`.
    init(name: String, executable: URL, arguments: [String], logDirectory: URL) throws(ExperimentError) {
        self.name = name
        logURL = logDirectory.appendingPathComponent("\(name).log")
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        do {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let log = try FileHandle(forWritingTo: logURL)
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try Self.launch(process)
        } catch {
            throw ExperimentError(.process, "cannot start \(name) (\(executable.path)): \(error)")
        }
    }

    /// Runs `process` from a fresh thread with an empty signal mask. A child inherits the mask
    /// of the thread that spawns it, and Swift's worker threads block signals: a Tansu started
    /// from one never sees SIGTERM.
    private static func launch(_ process: Process) throws {
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try process.run() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        thread.start()
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    var isRunning: Bool { process.isRunning }
    var processID: Int32 { process.processIdentifier }
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The last lines of the log, for error messages.
    func logTail(_ lines: Int = 15) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Fails when the process has exited, naming its status and the end of its log.
    func checkRunning() throws(ExperimentError) {
        if let status = exitStatus {
            throw ExperimentError(.process, "\(name) exited with status \(status); end of \(logURL.path):\n\(logTail())")
        }
    }

    /// The HTTP port from the service's `listening ... http.port=N` log line.
    func listeningPort(timeout: Duration) async throws -> Int {
        try await Poll.until("\(name) listening", timeout: timeout) { () throws(ExperimentError) -> Int? in
            try checkRunning()
            let text = log
            guard let line = text.range(of: "listening http.host=") else { return nil }
            let rest = text[line.upperBound...]
            return rest.range(of: "http.port=").flatMap { Int(rest[$0.upperBound...].prefix { $0.isNumber }) }
        }
    }

    /// Waits for the process to exit on its own and returns its status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        try await Poll.until("\(name) to finish", timeout: timeout) { exitStatus }
    }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }
}
