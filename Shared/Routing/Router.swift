import HTTP
import Logging

/// Routes requests to handlers through the middleware chain; immutable, built by `RouterBuilder`.
///
/// Order per request: match the path (so middlewares see `routeTemplate` and `parameters`), run
/// the middlewares in the order added, then the handler, whose errors are mapped to responses
/// right around it. A path no route matches gets 404, a known path with another method 405 with
/// `Allow`; both run the middlewares with route template `unmatched`.
public struct Router: HTTPResponder {
    struct Endpoint: Sendable {
        var template: String
        var parameterNames: [String]
        var handlers: [HTTPMethod: RouteHandler]
        var methodNotAllowed: RouteHandler
    }

    let tree: RouteTree
    let endpoints: [Endpoint]
    let notFound: RouteHandler
    let logger: Logger

    /// Answers `request`; never throws and never traps on handler errors.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        var context = RequestContext(logger: logger)
        let handler: RouteHandler
        if let match = tree.match(request.path) {
            let endpoint = endpoints[match.endpoint]
            if let routed = endpoint.handlers[request.method] {
                context.routeTemplate = endpoint.template
                context.parameters = Parameters(names: endpoint.parameterNames, rawValues: match.values)
                handler = routed
            } else {
                handler = endpoint.methodNotAllowed
            }
        } else {
            handler = notFound
        }
        do {
            return try await handler(request, context)
        } catch {
            // Only a middleware can get here: handler errors were mapped inside the chain.
            return HTTPResponse(error: error, logger: context.logger)
        }
    }

    /// Wraps `handler` so that what it throws becomes a response before the middlewares see it.
    static func mappingErrors(_ handler: @escaping RouteHandler) -> RouteHandler {
        { request, context in
            do {
                return try await handler(request, context)
            } catch {
                return HTTPResponse(error: error, logger: context.logger)
            }
        }
    }

    /// Composes `middlewares` (first added runs first) around `handler`.
    static func chain(_ middlewares: [any RouterMiddleware], around handler: @escaping RouteHandler) -> RouteHandler {
        middlewares.reversed().reduce(handler) { next, middleware in
            { request, context in try await middleware.handle(request, context: context, next: next) }
        }
    }
}
