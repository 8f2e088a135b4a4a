import Dispatch
import Foundation
import HTTP
import Synchronization

/// An async HTTP/1.1 client for one server, on our own sockets (no URLSession, no SwiftNIO).
///
/// It keeps up to `maxConnections` keep-alive connections; each blocking exchange runs on its
/// connection's serial `DispatchQueue`, never on Swift's cooperative pool. Callers beyond the
/// limit wait for a connection to be free. After an error the connection reconnects on its
/// next use.
public final class HTTPClient: Sendable {
    /// The server's `host`, `port` and base path (prepended to every request's path).
    public let host: String
    public let port: Int
    public let basePath: String
    public let timeout: Duration

    private struct Slot: @unchecked Sendable {
        // Safe: the connection is only touched on `queue`, and a slot is handed to one caller at a time.
        let connection: HTTPClientConnection
        let queue: DispatchQueue
    }

    private struct Pool {
        var idle: [Slot] = []
        var created = 0
        var waiters: [CheckedContinuation<Slot, Never>] = []
    }

    private let maxConnections: Int
    private let maxBodyBytes: Int
    private let pool = Mutex(Pool())

    /// - Parameters:
    ///   - url: `http://host[:port][/base/path]`; https is not supported.
    ///   - timeout: longest time one request may take, connecting included.
    /// - Throws: `HTTPClientError` `.invalidURL`.
    public init(url: String, timeout: Duration = .seconds(10), maxConnections: Int = 4,
                maxBodyBytes: Int = 64 << 20) throws(HTTPClientError) {
        guard let parsed = URL(string: url), parsed.scheme == "http", let host = parsed.host, !host.isEmpty else {
            throw HTTPClientError(.invalidURL, "\(url) is not an http://host[:port] URL")
        }
        precondition(maxConnections > 0, "an HTTP client needs at least one connection")
        self.host = host
        port = parsed.port ?? 80
        let path = parsed.path
        basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.timeout = timeout
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends a request and returns the whole response, whatever its status.
    /// - Parameter path: appended to the base path; may carry a query.
    public func execute(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = HTTPHeaders(),
                        body: [UInt8] = []) async throws(HTTPClientError) -> HTTPClientResponse {
        let slot = await acquire()
        defer { release(slot) }
        let target = basePath + path
        let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            slot.queue.async {
                continuation.resume(returning: Result { () throws(HTTPClientError) in
                    try slot.connection.execute(method, target, headers: headers, body: body)
                })
            }
        }
        return try result.get()
    }

    private func acquire() async -> Slot {
        enum Grant { case slot(Slot), create, wait }
        let grant = pool.withLock { pool -> Grant in
            if let slot = pool.idle.popLast() { return .slot(slot) }
            guard pool.created < maxConnections else { return .wait }
            pool.created += 1
            return .create
        }
        switch grant {
        case .slot(let slot): return slot
        case .create:
            let connection = HTTPClientConnection(host: host, port: port, timeout: timeout, maxBodyBytes: maxBodyBytes)
            return Slot(connection: connection, queue: DispatchQueue(label: "HTTPClient \(host):\(port)"))
        case .wait:
            return await withCheckedContinuation { continuation in
                let slot = pool.withLock { pool -> Slot? in
                    if let slot = pool.idle.popLast() { return slot }
                    pool.waiters.append(continuation)
                    return nil
                }
                if let slot { continuation.resume(returning: slot) }
            }
        }
    }

    private func release(_ slot: Slot) {
        let waiter = pool.withLock { pool -> CheckedContinuation<Slot, Never>? in
            if !pool.waiters.isEmpty { return pool.waiters.removeFirst() }
            pool.idle.append(slot)
            return nil
        }
        waiter?.resume(returning: slot)
    }
}
