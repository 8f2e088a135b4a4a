import Foundation
@testable import TCPRelay
#if canImport(Glibc)
import Glibc
#endif

/// A blocking test client; every read gives up after five seconds, so a broken relay fails a
/// test instead of hanging it.
struct TestClient {
    /// What one read saw.
    enum Outcome: Equatable {
        case data([UInt8])
        case endOfStream
        case failed(errno: Int32)
    }

    let socket: BlockingSocket

    init(port: UInt16) throws {
        socket = try BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws { try Self.sendAll(bytes, on: socket) }

    /// One read of up to 64 KiB.
    func read() -> Outcome {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
            return count == 0 ? .endOfStream : .data(Array(buffer[..<count]))
        } catch {
            return .failed(errno: (error as? TCPRelayError)?.errno ?? 0)
        }
    }

    /// Reads until `count` bytes have come, or the stream ends or fails first.
    func read(count: Int) -> [UInt8] {
        var received: [UInt8] = []
        while received.count < count, case .data(let bytes) = read() { received += bytes }
        return received
    }

    /// Reads until the stream ends; nil if it fails or times out instead.
    func readToEnd() -> [UInt8]? {
        var received: [UInt8] = []
        while true {
            switch read() {
            case .data(let bytes): received += bytes
            case .endOfStream: return received
            case .failed: return nil
            }
        }
    }

    func shutdownWrite() { socket.shutdownWrite() }

    func close() { socket.close() }

    static func sendAll(_ bytes: [UInt8], on socket: BlockingSocket) throws {
        try bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count { sent += try socket.send(UnsafeRawBufferPointer(rebasing: raw[sent...])) }
        }
    }
}
