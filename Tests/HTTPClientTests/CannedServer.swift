import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on a free loopback port that answers each request with the next scripted reply,
/// byte for byte: for the responses our own server never sends (chunked, close-delimited, a
/// silent server). Runs on a thread of its own; counts the connections it accepted.
final class CannedServer: Sendable {
    /// One scripted reply: raw bytes, then optionally closing the connection.
    struct Reply: Sendable {
        var bytes: String
        var close = false
        /// Never answer (for timeouts); the connection stays open until the server stops.
        var silent = false
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(replies: [Reply], accepted: Int, requests: [String], stopped: Bool)>(([], 0, [], false))

    var accepted: Int { state.withLock { $0.accepted } }
    var requests: [String] { state.withLock { $0.requests } }

    init(_ replies: [Reply]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw TestFailure("cannot listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        state.withLock { $0.replies = replies }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Stops accepting; the serving thread ends at its next accept. Closes the listener once.
    func stop() {
        guard !state.withLock({ state in defer { state.stopped = true }; return state.stopped }) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            state.withLock { $0.accepted += 1 }
            Thread { [self] in handle(connection) }.start()
        }
    }

    private func handle(_ connection: Int32) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let request = nextRequest(&pending) else {
                let count = recv(connection, &chunk, chunk.count, 0)
                guard count > 0 else { return }
                pending += chunk[0..<count]
                continue
            }
            let reply = state.withLock { state -> Reply? in
                state.requests.append(request)
                return state.replies.isEmpty ? nil : state.replies.removeFirst()
            }
            guard let reply else { return }
            if reply.silent {
                while recv(connection, &chunk, chunk.count, 0) > 0 {}
                return
            }
            let bytes = Array(reply.bytes.utf8)
            _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if reply.close { return }
        }
    }

    /// Takes one request (head plus `Content-Length` body) off `pending`, if complete.
    private func nextRequest(_ pending: inout [UInt8]) -> String? {
        let text = String(decoding: pending, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<end.upperBound])
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = head.utf8.count + length
        guard pending.count >= total else { return nil }
        let request = String(decoding: pending[0..<total], as: UTF8.self)
        pending.removeFirst(total)
        return request
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
