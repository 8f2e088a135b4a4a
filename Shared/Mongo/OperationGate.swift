import Foundation

/// Admits at most `capacity` operations at a time, first come first served, and lets `close`
/// wait until the admitted ones have left.
///
/// `MongoClientPool` sizes it to the pool's `maxPoolSize`, so `mongoc_client_pool_pop` never
/// has to block a Dispatch thread waiting for a free client: callers wait here, suspended.
final class OperationGate: @unchecked Sendable {
    // @unchecked Sendable: every stored property is read and written only under `lock`.
    private let lock = NSLock()
    private let capacity: Int
    private var available: Int
    private var waiters: [CheckedContinuation<Bool, Never>] = []
    private var closed = false
    private var drained: CheckedContinuation<Bool, Never>?

    init(capacity: Int) {
        precondition(capacity > 0, "an operation gate needs room for at least one operation")
        self.capacity = capacity
        self.available = capacity
    }

    /// Waits for a free slot; false when the gate is (or gets) closed. Call `leave` after true.
    func enter() async -> Bool {
        await withCheckedContinuation { continuation in
            lock.lock()
            if closed {
                lock.unlock()
                continuation.resume(returning: false)
            } else if available > 0 {
                available -= 1
                lock.unlock()
                continuation.resume(returning: true)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }

    /// Frees a slot, handing it straight to the longest waiter if there is one.
    func leave() {
        lock.lock()
        var next: CheckedContinuation<Bool, Never>?
        var done: CheckedContinuation<Bool, Never>?
        if !waiters.isEmpty {
            next = waiters.removeFirst()
        } else {
            available += 1
            if closed && available == capacity { (done, drained) = (drained, nil) }
        }
        lock.unlock()
        next?.resume(returning: true)
        done?.resume(returning: true)
    }

    /// Refuses new operations, fails the waiting ones, and waits until the admitted ones have
    /// left. True for the first call only, so exactly one caller tears down what the gate guards.
    func close() async -> Bool {
        await withCheckedContinuation { continuation in
            lock.lock()
            guard !closed else {
                lock.unlock()
                continuation.resume(returning: false)
                return
            }
            closed = true
            let refused = waiters
            waiters = []
            let idle = available == capacity
            if !idle { drained = continuation }
            lock.unlock()
            refused.forEach { $0.resume(returning: false) }
            if idle { continuation.resume(returning: true) }
        }
    }
}
