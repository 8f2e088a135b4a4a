#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address, resolved from a host name or a numeric address.
public struct SocketAddress: Sendable, CustomStringConvertible {
    /// The raw address, big enough for either family.
    var storage: sockaddr_storage
    /// The used length of `storage`.
    var length: socklen_t

    /// Resolves `host` and `port` for a TCP socket: the one resolver of every socket stack
    /// (our server, the HTTP client, the experiment's relays).
    ///
    /// - Parameters:
    ///   - host: a numeric address (`127.0.0.1`, `::1`, `0.0.0.0`) or a name such as `localhost`.
    ///   - port: the TCP port; 0 asks the kernel for an ephemeral one at `bind`.
    ///   - passive: for a listening socket (a wildcard address when `host` asks for one).
    /// - Throws: `SocketError` naming the address when resolution fails.
    /// - Returns: every candidate address, in resolver order.
    public static func resolve(host: String, port: Int, passive: Bool = true) throws(SocketError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .addressInfo(status, address: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        }
        defer { freeaddrinfo(first) }

        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: info.pointee.ai_addr,
                                                            count: Int(info.pointee.ai_addrlen)))
            }
            addresses.append(SocketAddress(storage: storage, length: info.pointee.ai_addrlen))
            node = info.pointee.ai_next
        }
        return addresses
    }

    /// The address family, `AF_INET` or `AF_INET6`.
    public var family: Int32 { Int32(storage.ss_family) }

    /// The port, in host byte order.
    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            } else {
                var address = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            }
        }
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Calls `body` with the address as the C API wants it.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
