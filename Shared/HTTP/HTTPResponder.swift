/// Turns a request into a response: the one thing the server asks of the application.
///
/// Called on a connection's event loop thread (the request task prefers that executor), so a
/// responder should await, never block, when it waits for I/O. Never throws: errors must already
/// be responses by the time they reach the transport (the router does that mapping).
public protocol HTTPResponder: Sendable {
    /// Answers `request`.
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
