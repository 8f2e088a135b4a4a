import HTTP
import Logging

/// Collects routes and middlewares at startup, then builds an immutable `Router`.
///
/// Not thread-safe and not meant to be: it is used while the service is being assembled.
/// A malformed or duplicate route is a programming error and stops the process at startup.
public final class RouterBuilder {
    private struct Route {
        var template: PathTemplate
        var handlers: [HTTPMethod: RouteHandler] = [:]
    }

    private let logger: Logger
    private var middlewares: [any RouterMiddleware] = []
    private var tree = RouteTree()
    private var routes: [Route] = []

    /// A builder whose router hands `logger` to every request's context.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Adds a middleware; they run in the order added, around every request, matched or not.
    public func add(middleware: some RouterMiddleware) {
        middlewares.append(middleware)
    }

    /// Routes `method` requests for `path` (a template with `{name}` segments) to `handler`.
    public func on(_ method: HTTPMethod, _ path: String, use handler: @escaping RouteHandler) {
        let template = PathTemplate(path)
        let index: Int
        if let existing = tree.endpoint(for: template) {
            precondition(routes[existing].template.parameterNames == template.parameterNames,
                         "\(path) clashes with \(routes[existing].template.text): same shape, other parameter names")
            index = existing
        } else {
            index = routes.count
            routes.append(Route(template: template))
            tree.insert(template, endpoint: index)
        }
        precondition(routes[index].handlers[method] == nil, "Duplicate route \(method) \(path)")
        routes[index].handlers[method] = handler
    }

    public func get(_ path: String, use handler: @escaping RouteHandler) { on(.get, path, use: handler) }
    public func head(_ path: String, use handler: @escaping RouteHandler) { on(.head, path, use: handler) }
    public func post(_ path: String, use handler: @escaping RouteHandler) { on(.post, path, use: handler) }
    public func put(_ path: String, use handler: @escaping RouteHandler) { on(.put, path, use: handler) }
    public func patch(_ path: String, use handler: @escaping RouteHandler) { on(.patch, path, use: handler) }
    public func delete(_ path: String, use handler: @escaping RouteHandler) { on(.delete, path, use: handler) }
    public func options(_ path: String, use handler: @escaping RouteHandler) { on(.options, path, use: handler) }

    /// The router for the routes and middlewares added so far.
    ///
    /// Each route's middleware chain is composed here, once, so a request allocates no closures
    /// for it.
    public func buildResponder() -> Router {
        let middlewares = self.middlewares
        let endpoints = routes.map { route in
            var handlers = route.handlers.mapValues { handler in
                Router.chain(middlewares, around: Router.mappingErrors(handler))
            }
            // HEAD runs the GET handler; the server sends its headers without the body.
            if handlers[.head] == nil, let get = handlers[.get] { handlers[.head] = get }
            let allow = handlers.keys.map(\.rawValue).sorted().joined(separator: ", ")
            let methodNotAllowed = Router.chain(middlewares) { _, _ in
                var response = HTTPResponse(status: .methodNotAllowed, detail: "Method Not Allowed")
                response.headers.add(name: "Allow", value: allow)
                return response
            }
            return Router.Endpoint(template: route.template.text, parameterNames: route.template.parameterNames,
                                   handlers: handlers, methodNotAllowed: methodNotAllowed)
        }
        let notFound = Router.chain(middlewares) { _, _ in HTTPResponse(status: .notFound, detail: "Not Found") }
        return Router(tree: tree, endpoints: endpoints, notFound: notFound, logger: logger)
    }
}
