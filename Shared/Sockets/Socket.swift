#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP socket: a bare file descriptor with the calls the event loop needs.
///
/// A value type on purpose: whoever registers it with an `EventLoop` owns it and calls
/// `close()` exactly once, after deregistering it.
public struct Socket: Sendable, Hashable {
    /// The file descriptor.
    public let descriptor: Int32

    /// Wraps an already open descriptor.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens a non-blocking listening socket bound to `host:port`.
    ///
    /// - Parameters:
    ///   - host: the address or name to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    ///   - port: the port; 0 picks an ephemeral one (read it back with `localAddress()`).
    ///   - backlog: the accept queue length passed to `listen`.
    /// - Throws: `SocketError` naming the address and errno of the failed call.
    public static func listen(host: String, port: Int, backlog: Int32) throws(SocketError) -> Socket {
        var lastError = SocketError("bind", address: "\(host):\(port)", code: EADDRNOTAVAIL)
        for address in try SocketAddress.resolve(host: host, port: port) {
            let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                                  | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = SocketError("socket", address: address.description)
                continue
            }
            let socket = Socket(descriptor: fd)
            do throws(SocketError) {
                // Lets a restarted server bind while old connections sit in TIME_WAIT.
                try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1, address: address)
                if address.withSockAddr({ Glibc.bind(fd, $0, $1) }) != 0 {
                    throw SocketError("bind", address: address.description)
                }
                if Glibc.listen(fd, backlog) != 0 {
                    throw SocketError("listen", address: address.description)
                }
                return socket
            } catch {
                socket.close()
                lastError = error
            }
        }
        throw lastError
    }

    /// The address the socket is bound to (the real port after binding port 0).
    public func localAddress() throws(SocketError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutableBytes(of: &storage) { raw in
            getsockname(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard status == 0 else { throw SocketError("getsockname") }
        return SocketAddress(storage: storage, length: length)
    }

    /// Accepts one pending connection as a non-blocking socket with `TCP_NODELAY` set.
    /// - Returns: the connection, or nil when none is pending (`EAGAIN`) or it vanished first.
    /// - Throws: `SocketError` for real failures such as `EMFILE`.
    public func accept() throws(SocketError) -> Socket? {
        // Plain accept plus fcntl: accept4 is a GNU extension the Glibc module does not expose.
        let fd = Glibc.accept(descriptor, nil, nil)
        if fd >= 0 {
            let socket = Socket(descriptor: fd)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            // Responses go out in one write; Nagle would only delay them behind delayed ACKs.
            try? socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, address: nil)
            return socket
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
        default: throw SocketError("accept")
        }
    }

    /// Reads into `buffer`.
    /// - Returns: the byte count (0 at end of stream), or nil if nothing is available yet.
    /// - Throws: `SocketError` when the connection failed (e.g. `ECONNRESET`).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError("read")
            }
        }
    }

    /// Writes as much of `first` and then `second` as the kernel takes now, in one call: a
    /// response's head and body go out together without being copied into one buffer first.
    /// - Returns: the byte count written, or nil if the send buffer is full.
    /// - Throws: `SocketError` when the connection failed (e.g. `EPIPE`).
    public func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SocketError) -> Int? {
        var vectors = [
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
        ]
        while true {
            let count = vectors.withUnsafeMutableBufferPointer { vectors in
                var message = msghdr()
                message.msg_iov = vectors.baseAddress
                message.msg_iovlen = vectors.count
                // MSG_NOSIGNAL: a peer that went away must give EPIPE, not kill the process.
                return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError("sendmsg")
            }
        }
    }

    /// Sends FIN while still allowing reads, for a lingering close.
    public func shutdownWrite() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes the descriptor.
    public func close() {
        _ = Glibc.close(descriptor)
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32,
                           address: SocketAddress?) throws(SocketError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt", address: address?.description)
        }
    }
}
