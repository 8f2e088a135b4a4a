#if canImport(Glibc)
import Glibc
#endif
import Sockets

/// A connected, non-blocking TCP socket whose every wait is bounded by a deadline (`poll`), so a
/// silent server costs at most the request's timeout. Owned by one connection, used by one
/// thread at a time.
struct ClientSocket {
    let descriptor: Int32
    /// `host:port`, for error messages.
    let peer: String

    /// Connects to the first address of `host` that accepts before `deadline`.
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> ClientSocket {
        let peer = "\(host):\(port)"
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: host, port: port, passive: false)
        } catch {
            throw HTTPClientError(.resolve, "resolving \(host): \(error.message)")
        }
        var lastError = HTTPClientError(.connect, "no address for \(peer)")
        for address in addresses {
            let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            let fd = socket(address.family, flags, 0)
            guard fd >= 0 else { lastError = .lastCall(.connect, "socket"); continue }
            let socket = ClientSocket(descriptor: fd, peer: peer)
            do {
                try socket.finishConnect(address.withSockAddr { Glibc.connect(fd, $0, $1) }, deadline: deadline)
                var one: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return socket
            } catch {
                socket.close()
                lastError = error
            }
        }
        throw lastError
    }

    /// Waits for a non-blocking `connect` that returned `result` to complete.
    private func finishConnect(_ result: Int32, deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        if result == 0 { return }
        guard Glibc.errno == EINPROGRESS else { throw .lastCall(.connect, "connect \(peer)") }
        try wait(for: Int16(POLLOUT), until: deadline, what: "connecting to \(peer)")
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { throw .lastCall(.connect, "getsockopt") }
        guard code == 0 else {
            throw HTTPClientError(.connect, "connect \(peer): \(String(cString: strerror(code)))", errno: code)
        }
    }

    /// Sends every byte, waiting for room in the send buffer until `deadline`.
    func sendAll(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a server that went away must give EPIPE, not kill the process.
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count >= 0 { sent += count; continue }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), until: deadline, what: "sending to \(peer)")
            default: throw .lastCall(.send, "send to \(peer)")
            }
        }
    }

    /// Appends what arrives to `buffer`, waiting until `deadline`; 0 at the end of the stream.
    /// `scratch` is where `recv` writes before the bytes are appended (no zero-filling per read).
    func receive(into buffer: inout [UInt8], scratch: UnsafeMutableRawBufferPointer,
                 deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        while true {
            let count = recv(descriptor, scratch.baseAddress, scratch.count, 0)
            if count >= 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                return count
            }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), until: deadline, what: "waiting for \(peer)")
            default: throw .lastCall(.receive, "recv from \(peer)")
            }
        }
    }

    /// True when the server closed or reset the idle connection, or sent something unasked:
    /// it must not carry the next request.
    var isStale: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    func close() { _ = Glibc.close(descriptor) }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, what: String) throws(HTTPClientError) {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw HTTPClientError(.timeout, "timed out \(what)") }
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1,
                                         Int64(Int32.max)))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0, Glibc.errno != EINTR { throw .lastCall(.receive, "poll") }
        }
    }
}

/// The socket as the reader's byte source, every read bounded by the exchange's deadline.
struct SocketByteSource: ByteSource {
    let socket: ClientSocket
    let scratch: UnsafeMutableRawBufferPointer
    let deadline: ContinuousClock.Instant

    mutating func read(into buffer: inout [UInt8]) throws(HTTPClientError) -> Int {
        try socket.receive(into: &buffer, scratch: scratch, deadline: deadline)
    }
}
