#if canImport(Glibc)
import Glibc
#endif

/// Cross-thread submission: closures and Swift tasks queued for the loop thread.
///
/// Being a `TaskExecutor` lets `Task(executorPreference: loop)` run a request's handler on the
/// connection's own loop thread: a handler that never suspends costs no thread hop at all.
extension EventLoop: TaskExecutor {
    /// Runs a job of a task that prefers this loop; after `stop()` it goes to the global executor
    /// so no task is stranded.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        if !submit(.job(unowned)) {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    /// Runs `work` on the loop thread, after the events being handled now.
    /// Work submitted after `stop()` is dropped.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        _ = submit(.work(work))
    }

    /// Runs `work` at once when already on the loop thread, else submits it.
    public func executeOrRun(_ work: @escaping @Sendable () -> Void) {
        if inEventLoop {
            work()
        } else {
            execute(work)
        }
    }

    /// Asks the loop to exit after running what is already queued. Idempotent.
    public func stop() {
        let wake = inbox.withLock { inbox in
            inbox.stopRequested = true
            return claimWake(&inbox)
        }
        if wake { signal() }
    }

    /// Queues `item`; returns false if the loop has stopped.
    private func submit(_ item: Pending) -> Bool {
        let onLoop = inEventLoop
        var accepted = false
        let wake = inbox.withLock { inbox in
            guard !inbox.stopped else { return false }
            accepted = true
            inbox.pending.append(item)
            // The loop checks its inbox before it sleeps, so its own submissions need no wake-up.
            return !onLoop && claimWake(&inbox)
        }
        if wake { signal() }
        return accepted
    }

    /// True if the caller must write the eventfd: the loop sleeps and nobody has woken it yet.
    private func claimWake(_ inbox: inout Inbox) -> Bool {
        guard inbox.sleeping, !inbox.wakePending, !inbox.stopped else { return false }
        inbox.wakePending = true
        return true
    }

    private func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeDescriptor, &one, MemoryLayout<UInt64>.size)
    }
}
