import HTTP

extension RouterMiddleware {
    /// Runs `next` and reports the status it answered with and how long it took; when a
    /// middleware further in throws, the router answers 500, so 500 is reported and the error
    /// passes on. One place for what the access log and the metrics both observe.
    func observing(_ request: HTTPRequest, context: RequestContext,
                   next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse,
                   report: (_ status: Int, _ elapsed: Duration) -> Void) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            report(response.status.code, ContinuousClock.now - start)
            return response
        } catch {
            report(HTTPStatus.internalServerError.code, ContinuousClock.now - start)
            throw error
        }
    }
}
