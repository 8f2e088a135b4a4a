import HTTP
import Routing
import StreamSync

/// Wakes the outbox relay after every successful write request, so a change reaches Kafka
/// within milliseconds instead of at the relay's next poll.
struct ChangeNotifyingMiddleware: RouterMiddleware {
    private static let writeMethods: Set<HTTPMethod> = [.put, .post, .patch, .delete]
    private let relay: OutboxRelay

    init(relay: OutboxRelay) { self.relay = relay }

    func handle(_ request: HTTPRequest, context: RequestContext,
                       next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        let response = try await next(request, context)
        if Self.writeMethods.contains(request.method), (200..<300).contains(response.status.code) { relay.notify() }
        return response
    }
}
