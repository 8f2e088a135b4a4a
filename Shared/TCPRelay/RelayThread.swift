import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A joinable POSIX thread running one closure.
///
/// Foundation's `Thread` is always detached, so nothing could wait for it to have really
/// exited; `stop()` promises no thread outlives it, hence plain pthreads.
final class RelayThread: Sendable {
    private let handle: pthread_t

    /// Starts `body` on a new thread.
    /// - Parameters:
    ///   - name: the thread's name as tools show it (at most 15 bytes; longer is cut).
    ///   - body: the work; the thread ends when it returns.
    /// - Throws: `TCPRelayError` `.thread` when `pthread_create` fails.
    init(name: String, _ body: @escaping @Sendable () -> Void) throws(TCPRelayError) {
        let start = Start(name: String(decoding: name.utf8.prefix(15), as: UTF8.self), body: body)
        // Retained for the new thread, which takes the reference over; released here only if
        // the thread never starts.
        let context = Unmanaged.passRetained(start).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { context in
            let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
            // pthread_setname_np is a GNU extension the Glibc module leaves out; Foundation's
            // setter calls it for the current thread.
            Thread.current.name = start.name
            start.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            throw TCPRelayError(.thread, "pthread_create", errno: status)
        }
        self.handle = handle
    }

    /// Waits for the thread to end. Call exactly once, never from the thread itself.
    func join() {
        _ = pthread_join(handle, nil)
    }

    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
