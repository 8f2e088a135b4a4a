#if canImport(Glibc)
import Glibc
#endif
import Sockets

/// A blocking TCP socket: a bare file descriptor with the few calls the relay needs.
///
/// Blocking on purpose (see `TCPRelay`): each direction of a relayed connection has its own
/// thread, which sleeps in `receive` or `send` until the kernel has something for it. A value
/// type: whoever opens it closes it exactly once, after every thread using it has finished.
struct BlockingSocket: Sendable, Hashable {
    /// The file descriptor.
    let descriptor: Int32

    /// Opens a listening socket bound to `host:port`.
    /// - Parameters:
    ///   - host: a numeric address or a name, e.g. `127.0.0.1`.
    ///   - port: the port; 0 picks an ephemeral one (read it back with `localPort()`).
    ///   - backlog: the accept queue length.
    /// - Throws: `TCPRelayError` `.resolve` or `.listen`.
    static func listen(host: String, port: UInt16, backlog: Int32 = 128) throws(TCPRelayError) -> BlockingSocket {
        try firstSuccess(host: host, port: port, passive: true, code: .listen) { address, length, name throws(TCPRelayError) in
            let socket = try open(family: address.pointee.sa_family, name: name, code: .listen)
            do throws(TCPRelayError) {
                // Lets a restarted relay bind while old connections sit in TIME_WAIT.
                var one: Int32 = 1
                if setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                    throw TCPRelayError(.listen, "setsockopt(SO_REUSEADDR)", address: name)
                }
                if bind(socket.descriptor, address, length) != 0 { throw TCPRelayError(.listen, "bind", address: name) }
                if Glibc.listen(socket.descriptor, backlog) != 0 { throw TCPRelayError(.listen, "listen", address: name) }
                return socket
            } catch {
                socket.close()
                throw error
            }
        }
    }

    /// Connects to `host:port`, giving up after `timeout`.
    ///
    /// The connect itself runs non-blocking under `poll`, so an address that drops SYNs cannot
    /// hold the caller for the kernel's two minutes; the returned socket is blocking, with
    /// `TCP_NODELAY` so the relay adds no Nagle delay to what it forwards.
    /// - Throws: `TCPRelayError` `.resolve` or `.connect` (e.g. `ECONNREFUSED`, `ETIMEDOUT`).
    static func connect(host: String, port: UInt16, timeout: Duration) throws(TCPRelayError) -> BlockingSocket {
        try firstSuccess(host: host, port: port, passive: false, code: .connect) { address, length, name throws(TCPRelayError) in
            let socket = try open(family: address.pointee.sa_family, name: name, code: .connect)
            do throws(TCPRelayError) {
                _ = fcntl(socket.descriptor, F_SETFL, fcntl(socket.descriptor, F_GETFL) | O_NONBLOCK)
                if Glibc.connect(socket.descriptor, address, length) != 0 {
                    guard Glibc.errno == EINPROGRESS else { throw TCPRelayError(.connect, "connect", address: name) }
                    try socket.awaitConnected(timeout: timeout, name: name)
                }
                _ = fcntl(socket.descriptor, F_SETFL, fcntl(socket.descriptor, F_GETFL) & ~O_NONBLOCK)
                socket.setNoDelay()
                return socket
            } catch {
                socket.close()
                throw error
            }
        }
    }

    /// The port the socket is bound to (the real one after binding port 0).
    func localPort() throws(TCPRelayError) -> UInt16 {
        try Self.port(of: descriptor, call: getsockname)
    }

    /// The port of the connected peer.
    func peerPort() throws(TCPRelayError) -> UInt16 {
        try Self.port(of: descriptor, call: getpeername)
    }

    /// Waits for and accepts one connection, as a blocking socket with `TCP_NODELAY`.
    /// - Throws: `TCPRelayError` `.accept`; after `shutdown` of the listener, `EINVAL`.
    func accept() throws(TCPRelayError) -> BlockingSocket {
        while true {
            // Plain accept plus fcntl: accept4 is a GNU extension the Glibc module does not expose.
            let fd = Glibc.accept(descriptor, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                let socket = BlockingSocket(descriptor: fd)
                socket.setNoDelay()
                return socket
            }
            if Glibc.errno != EINTR { throw TCPRelayError(.accept, "accept") }
        }
    }

    /// Reads what is available into `buffer`, waiting until something is.
    /// - Returns: the byte count; 0 at end of stream.
    /// - Throws: `TCPRelayError` `.transfer` when the connection failed (e.g. `ECONNRESET`).
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(TCPRelayError) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if Glibc.errno != EINTR { throw TCPRelayError(.transfer, "recv") }
        }
    }

    /// Writes some of `bytes`, waiting for room in the send buffer.
    /// - Returns: the byte count written (at least 1 for a non-empty buffer).
    /// - Throws: `TCPRelayError` `.transfer` when the connection failed (e.g. `EPIPE`).
    func send(_ bytes: UnsafeRawBufferPointer) throws(TCPRelayError) -> Int {
        while true {
            // MSG_NOSIGNAL: a peer that went away must give EPIPE, not kill the process.
            let count = Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            if Glibc.errno != EINTR { throw TCPRelayError(.transfer, "send") }
        }
    }

    /// Sends FIN; reads still work, so the other direction carries on (a half-close).
    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Shuts both directions down, which wakes any thread blocked in `accept`, `receive` or
    /// `send` on this socket (unlike `close`, which must wait until no thread uses the number).
    func shutdownBoth() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Makes the coming `close` send RST instead of FIN (`SO_LINGER` with a zero timeout).
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Closes the descriptor.
    func close() {
        _ = Glibc.close(descriptor)
    }

    private func setNoDelay() {
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private func awaitConnected(timeout: Duration, name: String) throws(TCPRelayError) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000
                                 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var ready: Int32
        repeat { ready = poll(&entry, 1, milliseconds) } while ready < 0 && Glibc.errno == EINTR
        if ready < 0 { throw TCPRelayError(.connect, "poll", address: name) }
        if ready == 0 { throw TCPRelayError(.connect, "connect", address: name, errno: ETIMEDOUT) }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) != 0 {
            throw TCPRelayError(.connect, "getsockopt(SO_ERROR)", address: name)
        }
        if failure != 0 { throw TCPRelayError(.connect, "connect", address: name, errno: failure) }
    }

    private static func open(family: sa_family_t, name: String, code: TCPRelayError.Code) throws(TCPRelayError) -> BlockingSocket {
        let fd = socket(Int32(family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TCPRelayError(code, "socket", address: name) }
        return BlockingSocket(descriptor: fd)
    }

    private static func port(
        of descriptor: Int32,
        call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(TCPRelayError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutableBytes(of: &storage) { raw in
            call(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard status == 0 else { throw TCPRelayError(.transfer, "getsockname/getpeername") }
        return try withUnsafeBytes(of: storage) { raw throws(TCPRelayError) in
            switch Int32(storage.ss_family) {
            case AF_INET6: return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            case AF_INET: return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            default: throw TCPRelayError(.transfer, "getsockname/getpeername", errno: EAFNOSUPPORT)
            }
        }
    }

    /// Resolves `host:port` and returns what `attempt` makes of the first address it succeeds
    /// on, or throws the error of the last one.
    private static func firstSuccess(
        host: String, port: UInt16, passive: Bool, code: TCPRelayError.Code,
        _ attempt: (UnsafePointer<sockaddr>, socklen_t, String) throws(TCPRelayError) -> BlockingSocket
    ) throws(TCPRelayError) -> BlockingSocket {
        let name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: host, port: Int(port), passive: passive)
        } catch {
            throw TCPRelayError(.resolve, "getaddrinfo", address: name, message: error.message)
        }
        var lastError = TCPRelayError(code, "getaddrinfo", address: name, errno: EADDRNOTAVAIL)
        for address in addresses {
            let outcome = address.withSockAddr { pointer, length in
                Result { () throws(TCPRelayError) in try attempt(pointer, length, name) }
            }
            switch outcome {
            case .success(let socket): return socket
            case .failure(let error): lastError = error
            }
        }
        throw lastError
    }
}
