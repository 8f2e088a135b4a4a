import HTTP

/// A route's handler: the request, what routing found, and the response (or an error, which the
/// router maps to a response).
public typealias RouteHandler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

/// Code that runs around every request after routing: logging, metrics, request ids, auth.
///
/// Middlewares run in the order they were added; `next` runs the rest of the chain and the
/// handler. Errors thrown by the handler arrive here already mapped to responses, so a
/// middleware sees (and logs, and counts) the status the client gets.
public protocol RouterMiddleware: Sendable {
    /// Handles `request`, usually by calling `next` and looking at or changing the result.
    func handle(_ request: HTTPRequest, context: RequestContext,
                next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse
}
