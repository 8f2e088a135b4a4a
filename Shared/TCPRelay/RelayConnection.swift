import Foundation
import Logging

/// One relayed connection: the client's socket, the target's, and a thread per direction.
///
/// Each thread copies bytes from one socket to the other until it reads end of stream, which
/// it passes on as a half-close (`shutdownWrite`), or until a call fails, which aborts the
/// whole connection. The thread that finishes second closes both sockets and calls `finished`.
final class RelayConnection: @unchecked Sendable {
    // @unchecked: the mutable state below is touched only under `lock`; the sockets are
    // immutable values, and the descriptors are closed under `lock` too, so `abort()` can never
    // shut down a number the kernel has already handed to someone else.
    enum Direction: Sendable { case upstream, downstream }

    let id: UInt64
    private let client: BlockingSocket
    private let target: BlockingSocket
    private let filter: KafkaAddressFilter?
    private let logger: Logger
    private let counted: @Sendable (Direction, Int) -> Void
    private let finished: @Sendable (RelayConnection) -> Void

    private let threadPrefix: String
    private let lock = NSLock()
    private var threads: [RelayThread] = []
    private var running = 0
    private var aborted = false
    private var closed = false

    /// Size of each direction's copy buffer.
    private static let bufferSize = 64 * 1024

    /// Takes ownership of both sockets; nothing moves until `start()`.
    /// - Parameters:
    ///   - counted: called after every successful write with its direction and byte count.
    ///   - finished: called once, on a relay thread, after both sockets are closed.
    /// - Parameter threadPrefix: names this connection's threads (`r<relay port>-`), so that
    ///   threads of several relays in one process can be told apart.
    /// - Parameter filter: sees what goes upstream and may change what goes downstream.
    init(id: UInt64, threadPrefix: String, client: BlockingSocket, target: BlockingSocket, filter: KafkaAddressFilter?, logger: Logger,
         counted: @escaping @Sendable (Direction, Int) -> Void,
         finished: @escaping @Sendable (RelayConnection) -> Void) {
        self.id = id
        self.threadPrefix = threadPrefix
        self.client = client
        self.target = target
        self.filter = filter
        self.logger = logger
        self.counted = counted
        self.finished = finished
    }

    /// Starts both copy threads. If the second cannot start, the connection is aborted and
    /// finishes through the first.
    /// - Throws: `TCPRelayError` `.thread` when not even the first thread started; the sockets
    ///   are closed then and `finished` is not called.
    func start() throws(TCPRelayError) {
        lock.withLock { running = 2 }
        do throws(TCPRelayError) {
            let upstream = try RelayThread(name: "\(threadPrefix)up-\(id)") { [self] in
                pump(from: client, to: target, .upstream)
            }
            lock.withLock { threads.append(upstream) }
        } catch {
            lock.withLock { running = 0; closed = true }
            client.close()
            target.close()
            throw error
        }
        do throws(TCPRelayError) {
            let downstream = try RelayThread(name: "\(threadPrefix)down-\(id)") { [self] in
                pump(from: target, to: client, .downstream)
            }
            lock.withLock { threads.append(downstream) }
        } catch {
            logger.info("relay could not start a thread; dropping the connection", metadata: [
                "relay.connection": "\(id)", "error": "\(error)",
            ])
            abort()
            pumpEnded()
        }
    }

    /// Drops the connection: both peers get FIN at once and RST when the sockets close, and
    /// both threads wake and end. Idempotent; harmless after the connection finished.
    func abort() {
        lock.withLock {
            guard !closed, !aborted else { return }
            aborted = true
            for socket in [client, target] {
                socket.resetOnClose()
                socket.shutdownBoth()
            }
        }
    }

    /// Waits for both threads to end. Call once, after `start()`, never from a relay thread.
    func join() {
        for thread in lock.withLock({ threads }) { thread.join() }
    }

    private func pump(from source: BlockingSocket, to destination: BlockingSocket, _ direction: Direction) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 1)
        defer { buffer.deallocate() }
        do throws(TCPRelayError) {
            while true {
                let count = try source.receive(into: buffer)
                if count == 0 {
                    destination.shutdownWrite()
                    break
                }
                let received = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                switch (filter, direction) {
                case (nil, _):
                    try send(received, to: destination, direction)
                case (let filter?, .upstream):
                    filter.upstream(received)
                    try send(received, to: destination, direction)
                case (let filter?, .downstream):
                    // withUnsafeBytes rethrows untyped: the error comes out as a value.
                    let failure = filter.downstream(received).withUnsafeBytes { bytes -> TCPRelayError? in
                        do throws(TCPRelayError) {
                            try send(bytes, to: destination, direction)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    if let failure { throw failure }
                }
            }
        } catch {
            if !lock.withLock({ aborted }) {
                logger.debug("relay connection failed; aborting it", metadata: [
                    "relay.connection": "\(id)", "relay.direction": "\(direction)", "error": "\(error)",
                ])
            }
            abort()
        }
        pumpEnded()
    }

    private func send(_ bytes: UnsafeRawBufferPointer, to destination: BlockingSocket, _ direction: Direction) throws(TCPRelayError) {
        var sent = 0
        while sent < bytes.count {
            let written = try destination.send(UnsafeRawBufferPointer(rebasing: bytes[sent...]))
            sent += written
            counted(direction, written)
        }
    }

    /// Counts one direction as done; the second to end closes both sockets and reports.
    private func pumpEnded() {
        let last = lock.withLock {
            running -= 1
            guard running == 0 else { return false }
            client.close()
            target.close()
            closed = true
            return true
        }
        if last { finished(self) }
    }
}
