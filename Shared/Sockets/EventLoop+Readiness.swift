#if canImport(Glibc)
import Glibc
#endif

/// Waiting for a descriptor owned by someone else (a database client's socket) from a task that
/// runs on a loop: the loop watches it, so no thread blocks and the task resumes on the loop.
extension EventLoop {
    /// The loop whose thread is calling, if any.
    public static var current: EventLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Set by the loop thread for itself; the thread holds a reference to its loop while it runs.
    static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Suspends until `descriptor` is readable, hung up or in error. The caller keeps owning the
    /// descriptor, which must not be registered with a loop already.
    /// - Throws: `SocketError` if `epoll_ctl` fails or the loop stops before that.
    public func waitUntilReadable(_ descriptor: Int32) async throws(SocketError) {
        let outcome = await withCheckedContinuation { continuation in
            let waiter = ReadinessWaiter(loop: self, socket: Socket(descriptor: descriptor), continuation: continuation)
            executeOrRun { waiter.register() }
        }
        try outcome.get()
    }
}

/// One wait of `waitUntilReadable`: registered until the first event, then resumes the task.
// @unchecked Sendable: created on the waiting task's thread and handed to the loop once; from then
// on only the loop thread touches it.
private final class ReadinessWaiter: EventHandler, @unchecked Sendable {
    private let loop: EventLoop
    private let socket: Socket
    private var continuation: CheckedContinuation<Result<Void, SocketError>, Never>?

    init(loop: EventLoop, socket: Socket, continuation: CheckedContinuation<Result<Void, SocketError>, Never>) {
        self.loop = loop
        self.socket = socket
        self.continuation = continuation
    }

    // A loop that stops drops its registrations, and with them a waiter still registered.
    deinit {
        continuation?.resume(returning: .failure(SocketError("waitUntilReadable", code: ECANCELED)))
    }

    func register() {
        do {
            try loop.register(socket, interest: [.readable, .readHangup], handler: self)
        } catch {
            resume(with: .failure(error))
        }
    }

    func handleEvents(_ events: IOEvents) {
        loop.deregister(socket)
        resume(with: .success(()))
    }

    private func resume(with outcome: Result<Void, SocketError>) {
        continuation?.resume(returning: outcome)
        continuation = nil
    }
}
