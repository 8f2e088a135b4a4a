#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A single-threaded epoll loop: it watches registered descriptors, fires timers, and runs work
/// and Swift tasks submitted to it (it is a `TaskExecutor`, see `EventLoop+Executor.swift`).
///
/// `register`, `deregister` and `schedule` must be called on the loop thread;
/// `execute`, `enqueue` and `stop` may be called from anywhere.
// @unchecked Sendable: `inbox` (Mutex) and `thread` (Atomic) are synchronized; every other
// stored property is only touched on the loop thread, which the loop-only methods assert.
public final class EventLoop: @unchecked Sendable {
    /// Work waiting for the loop, shared with other threads.
    struct Inbox {
        var pending: [Pending] = []
        /// The loop is (about to be) blocked in `epoll_wait` and needs the eventfd to wake up.
        var sleeping = false
        /// The eventfd has been written since the loop last drained; further writes are useless.
        var wakePending = false
        var stopRequested = false
        var stopped = false
    }

    enum Pending {
        case work(@Sendable () -> Void)
        case job(UnownedJob)
    }

    private struct Registration {
        var handler: any EventHandler
        var generation: UInt32
    }

    let inbox = Mutex(Inbox())
    let wakeDescriptor: Int32
    private let epollDescriptor: Int32
    private let thread = Atomic<UInt>(0)
    private var registrations: [Registration?] = []
    private var generation: UInt32 = 0
    private var timers = TimerQueue()
    private var draining: [Pending] = []

    /// Creates the epoll instance and its wake-up eventfd; call `start()` to run the loop.
    /// - Throws: `SocketError` if `epoll_create1`, `eventfd` or `epoll_ctl` fail.
    public init() throws(SocketError) {
        epollDescriptor = Epoll.create(Epoll.closeOnExec)
        guard epollDescriptor >= 0 else { throw SocketError("epoll_create1") }
        wakeDescriptor = Epoll.eventFD(0, Epoll.nonBlocking | Epoll.closeOnExec)
        guard wakeDescriptor >= 0 else {
            let error = SocketError("eventfd")
            Glibc.close(epollDescriptor)
            throw error
        }
        // The wake-up fd is told apart from sockets by a data value no registration can have.
        guard Epoll.control(epollDescriptor, Epoll.add, wakeDescriptor, events: Epoll.in, data: .max) == 0 else {
            let error = SocketError("epoll_ctl")
            Glibc.close(wakeDescriptor)
            Glibc.close(epollDescriptor)
            throw error
        }
    }

    // The descriptors outlive the thread so a late `execute` never writes to a reused fd.
    deinit {
        Glibc.close(wakeDescriptor)
        Glibc.close(epollDescriptor)
    }

    /// Starts the loop thread.
    /// - Throws: `SocketError` if the thread cannot be created.
    public func start() throws(SocketError) {
        // The thread owns one reference to the loop until `run` returns.
        let retained = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, retained.toOpaque())
        guard status == 0 else {
            retained.release()  // the thread never ran, so nobody else will release it
            throw SocketError("pthread_create", code: status)
        }
        pthread_detach(handle)
    }

    /// True when called on this loop's thread.
    public var inEventLoop: Bool {
        pthread_equal(thread.load(ordering: .relaxed), pthread_self()) != 0
    }

    /// Watches `socket` for `interest` and reports its events to `handler` until deregistered.
    /// - Throws: `SocketError` if `epoll_ctl` fails.
    public func register(_ socket: Socket, interest: IOEvents, handler: any EventHandler) throws(SocketError) {
        assert(inEventLoop, "register must be called on the loop thread")
        let fd = Int(socket.descriptor)
        generation &+= 1
        // The generation in the event data drops stale events for a reused descriptor number.
        let data = UInt64(generation) << 32 | UInt64(fd)
        guard Epoll.control(epollDescriptor, Epoll.add, socket.descriptor, events: interest.rawValue, data: data) == 0 else {
            throw SocketError("epoll_ctl")
        }
        if fd >= registrations.count {
            registrations.append(contentsOf: repeatElement(nil, count: fd + 1 - registrations.count))
        }
        registrations[fd] = Registration(handler: handler, generation: generation)
    }

    /// Stops watching `socket`; call before closing it.
    public func deregister(_ socket: Socket) {
        assert(inEventLoop, "deregister must be called on the loop thread")
        _ = Epoll.remove(epollDescriptor, socket.descriptor)
        let fd = Int(socket.descriptor)
        if fd < registrations.count { registrations[fd] = nil }
    }

    /// Runs `work` on the loop thread once `delay` has passed.
    ///
    /// There is no cancelling: the work should check whether it is still wanted (the timers
    /// used here are rare and idempotent, e.g. "close this connection if still open").
    public func schedule(after delay: Duration, _ work: @escaping () -> Void) {
        assert(inEventLoop, "schedule must be called on the loop thread")
        timers.schedule(at: EventLoop.deadline(after: delay), work)
    }

    /// Monotonic time in nanoseconds, the clock of all deadlines.
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The monotonic deadline `delay` from now.
    public static func deadline(after delay: Duration) -> UInt64 {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        return now() &+ UInt64(nanoseconds)
    }

    private func run() {
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        pthread_setspecific(EventLoop.currentKey, Unmanaged.passUnretained(self).toOpaque())
        let capacity = 256
        let events = UnsafeMutableRawPointer.allocate(byteCount: capacity * Epoll.eventStride, alignment: 8)
        defer { events.deallocate() }
        while true {
            let count = Epoll.wait(epollDescriptor, events, Int32(capacity), pollTimeout())
            inbox.withLock { $0.sleeping = false }
            for index in 0..<max(0, Int(count)) {
                let event = Epoll.event(at: index, in: events)
                dispatch(events: event.events, data: event.data)
            }
            while let work = timers.popDue(now: EventLoop.now()) { work() }
            if !drainInbox() { break }
        }
        finish()
    }

    /// How long `epoll_wait` may block: not at all with work pending, else until the next timer.
    private func pollTimeout() -> Int32 {
        var timeout: Int32 = -1
        if let deadline = timers.nextDeadline {
            let now = EventLoop.now()
            let milliseconds = deadline > now ? (deadline - now + 999_999) / 1_000_000 : 0
            timeout = Int32(min(milliseconds, UInt64(Int32.max)))
        }
        return inbox.withLock { inbox in
            if !inbox.pending.isEmpty || inbox.stopRequested { return 0 }
            inbox.sleeping = timeout != 0
            return timeout
        }
    }

    private func dispatch(events: UInt32, data: UInt64) {
        if data == .max {
            var value: UInt64 = 0
            _ = Glibc.read(wakeDescriptor, &value, MemoryLayout<UInt64>.size)
            return
        }
        let fd = Int(data & 0xFFFF_FFFF)
        guard fd < registrations.count, let registration = registrations[fd],
              registration.generation == UInt32(data >> 32) else { return }
        registration.handler.handleEvents(IOEvents(rawValue: events))
    }

    /// Runs everything submitted so far; returns false once `stop()` was requested.
    private func drainInbox() -> Bool {
        let stop = inbox.withLock { inbox in
            swap(&inbox.pending, &draining)
            inbox.wakePending = false
            return inbox.stopRequested
        }
        for item in draining {
            switch item {
            case .work(let work): work()
            case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        draining.removeAll(keepingCapacity: true)
        return !stop
    }

    /// Leaves the loop: later jobs go to the global executor, handlers and timers are dropped
    /// (which breaks the handler → loop reference cycles).
    private func finish() {
        let leftovers = inbox.withLock { inbox in
            inbox.stopped = true
            return inbox.pending
        }
        for case .job(let job) in leftovers {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
        registrations = []
        timers = TimerQueue()
        pthread_setspecific(EventLoop.currentKey, nil)
    }
}
