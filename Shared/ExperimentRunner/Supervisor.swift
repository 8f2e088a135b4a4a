import Foundation
import TCPRelay

/// Everything the runner started and must stop on every path (success, failure, SIGINT or
/// SIGTERM): child processes, relays, and the clean-ups of the databases it created.
final class Supervisor: @unchecked Sendable {
    // @unchecked: the arrays are read and written only under `lock`.
    private let lock = NSLock()
    private var children: [ChildProcess] = []
    private var relays: [any CountingRelay] = []
    private var cleanups: [(name: String, run: @Sendable () async -> Void)] = []

    func adopt(_ child: ChildProcess) { lock.withLock { children.append(child) } }
    func adopt(_ relay: any CountingRelay) { lock.withLock { relays.append(relay) } }
    /// Registers an asynchronous clean-up (dropping a database) run after processes and relays stop.
    func atExit(_ name: String, _ run: @escaping @Sendable () async -> Void) { lock.withLock { cleanups.append((name, run)) } }

    /// Stops the children in reverse start order (the jobs before image-api, image-api before
    /// its brokers): SIGTERM, then SIGKILL after `grace`; then the relays; then the clean-ups.
    /// Must run in a task that is not cancelled (it waits).
    func shutDown(grace: Duration = .seconds(15)) async {
        let (children, relays, cleanups) = lock.withLock {
            defer { self.children = []; self.relays = []; self.cleanups = [] }
            return (self.children, self.relays, self.cleanups)
        }
        for child in children.reversed() where child.isRunning {
            child.signal(SIGTERM)
            let deadline = ContinuousClock.now + grace
            while child.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if child.isRunning { child.signal(SIGKILL) }
        }
        for relay in relays.reversed() { relay.stop() }
        for cleanup in cleanups.reversed() { await cleanup.run() }
    }

    /// Kills every child at once, for a second interrupt: no waiting, nothing else cleaned up.
    func killAll() {
        for child in lock.withLock({ children }) { child.signal(SIGKILL) }
    }
}
