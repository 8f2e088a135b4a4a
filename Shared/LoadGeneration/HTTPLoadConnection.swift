import HTTP
import HTTPClient

/// One blocking keep-alive connection of a load worker: the shared `HTTPClientConnection`
/// (reconnects after an error or a `Connection: close`), reporting the status and
/// `LoadError`s.
///
/// Blocking on purpose: each load worker is a thread of its own that sleeps until its
/// request is due, so no event loop is needed, and timing stays the kernel's.
final class HTTPLoadConnection {
    private let connection: HTTPClientConnection

    /// Does not connect yet: the first `exchange` does.
    /// - Parameter timeout: longest time one exchange may take, connecting included.
    init(host: String, port: Int, timeout: Duration) {
        connection = HTTPClientConnection(host: host, port: port, timeout: timeout)
    }

    /// Sends `request`, a complete HTTP/1.1 POST, and reads the whole response.
    /// - Returns: the response's status code.
    /// - Throws: `LoadError`; the connection is closed then, and the next call reconnects.
    func exchange(_ request: [UInt8]) throws(LoadError) -> Int {
        do {
            return try connection.exchange(request, method: .post).status
        } catch {
            let code: LoadError.Code = switch error.code {
            case .invalidURL, .resolve: .resolve
            case .connect: .connect
            case .send: .send
            case .receive, .timeout, .closed: .receive
            case .protocolViolation, .tooLarge: .protocolViolation
            }
            throw LoadError(code, error.message, errno: error.errno)
        }
    }

    func close() { connection.close() }
}
