import HTTP
import Logging
import Routing
import Testing

/// A domain error that knows its HTTP shape.
private struct ConflictError: HTTPResponseError {
    var status: HTTPStatus { .conflict }
    var detail: String { #"image "a\b" already exists"# + "\n" }
}

/// An error with an extra header.
private struct AuthError: HTTPResponseError {
    var status: HTTPStatus { .unauthorized }
    var detail: String { "Missing token" }
    var headers: HTTPHeaders { ["WWW-Authenticate": "Bearer"] }
}

/// An error the router knows nothing about.
private struct DatabaseExploded: Error, CustomStringConvertible {
    var description: String { "connection to db-1 lost" }
}

/// A middleware that throws before calling the handler.
private struct ThrowingMiddleware: RouterMiddleware {
    func handle(_ request: HTTPRequest, context: RequestContext,
                next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        throw DatabaseExploded()
    }
}

@Suite("Router: error mapping")
struct ErrorMappingTests {
    private func router(logs: LogRecorder, middleware: (any RouterMiddleware)? = nil, handler: @escaping RouteHandler) -> Router {
        let builder = RouterBuilder(logger: logs.logger)
        if let middleware { builder.add(middleware: middleware) }
        builder.get("/x", use: handler)
        return builder.buildResponder()
    }

    @Test func responseErrorGivesItsStatusAndEscapedDetail() async {
        let logs = LogRecorder()
        let response = await router(logs: logs) { _, _ in throw ConflictError() }.respond(to: .make("/x"))
        #expect(response.status == .conflict)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text == #"{"detail":"image \"a\\b\" already exists\n"}"#)
        #expect(logs.all.filter { $0.level == .error }.isEmpty)
    }

    @Test func httpErrorIsAResponseError() async {
        let logs = LogRecorder()
        let response = await router(logs: logs) { _, _ in
            throw HTTPError(.unprocessableContent, detail: "plant must not be empty")
        }.respond(to: .make("/x"))
        #expect(response.status.code == 422)
        #expect(response.text == #"{"detail":"plant must not be empty"}"#)
    }

    @Test func responseErrorHeadersAreKept() async {
        let response = await router(logs: LogRecorder()) { _, _ in throw AuthError() }.respond(to: .make("/x"))
        #expect(response.status == .unauthorized)
        #expect(response.headers["WWW-Authenticate"] == "Bearer")
    }

    @Test func otherErrorsBecome500AndAnErrorLogLine() async {
        let logs = LogRecorder()
        let response = await router(logs: logs) { _, _ in throw DatabaseExploded() }.respond(to: .make("/x"))
        #expect(response.status == .internalServerError)
        #expect(response.text == #"{"detail":"Internal Server Error"}"#)
        let errors = logs.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["error.message"]?.description == "connection to db-1 lost")
    }

    @Test func errorResponsesPassThroughMiddlewares() async {
        let trace = Trace()
        let response = await router(logs: LogRecorder(), middleware: StatusTracer(trace: trace)) { _, _ in
            throw HTTPError(.forbidden, detail: "no")
        }.respond(to: .make("/x"))
        #expect(response.status == .forbidden)
        #expect(trace.all == ["403"])
    }

    @Test func middlewareErrorsAreMappedToo() async {
        let logs = LogRecorder()
        let response = await router(logs: logs, middleware: ThrowingMiddleware()) { _, _ in HTTPResponse() }
            .respond(to: .make("/x"))
        #expect(response.status == .internalServerError)
        #expect(logs.all.contains { $0.level == .error })
    }
}

/// Records the status each response had when it passed back through the middleware.
private struct StatusTracer: RouterMiddleware {
    let trace: Trace

    func handle(_ request: HTTPRequest, context: RequestContext,
                next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        let response = try await next(request, context)
        trace.append(String(response.status.code))
        return response
    }
}
