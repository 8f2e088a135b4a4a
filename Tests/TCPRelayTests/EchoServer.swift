import Foundation
@testable import TCPRelay

/// A tiny blocking echo server on 127.0.0.1 and a free port: it sends back whatever it reads,
/// and at end of stream sends `EchoServer.trailer` and half-closes, so a test can see that a
/// client's FIN went through and that bytes still flow the other way after it.
final class EchoServer: @unchecked Sendable {
    // @unchecked: `threads` and `connections` are touched only under `lock`.
    static let trailer = Array("<eof>".utf8)

    let port: UInt16
    private let listener: BlockingSocket
    private let lock = NSLock()
    private var acceptThread: RelayThread?
    private var threads: [RelayThread] = []
    private var connections: [BlockingSocket] = []

    init() throws {
        listener = try BlockingSocket.listen(host: "127.0.0.1", port: 0)
        port = try listener.localPort()
        let thread = try RelayThread(name: "echo-accept") { [self] in acceptConnections() }
        lock.withLock { acceptThread = thread }
    }

    /// Closes the listener and every connection, after their threads have ended.
    func stop() {
        listener.shutdownBoth()
        lock.withLock { acceptThread }?.join()
        listener.close()
        let (threads, connections) = lock.withLock { (self.threads, self.connections) }
        for connection in connections { connection.shutdownBoth() }
        for thread in threads { thread.join() }
        for connection in connections { connection.close() }
    }

    private func acceptConnections() {
        while let connection = try? listener.accept() {
            lock.withLock { connections.append(connection) }
            guard let thread = try? RelayThread(name: "echo-conn", { Self.echo(connection) }) else { return }
            lock.withLock { threads.append(thread) }
        }
    }

    private static func echo(_ connection: BlockingSocket) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while let count = try? buffer.withUnsafeMutableBytes({ try connection.receive(into: $0) }), count > 0 {
            guard (try? TestClient.sendAll(Array(buffer[..<count]), on: connection)) != nil else { return }
        }
        _ = try? TestClient.sendAll(trailer, on: connection)
        connection.shutdownWrite()
    }
}
