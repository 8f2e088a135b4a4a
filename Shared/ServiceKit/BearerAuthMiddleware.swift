import HTTP
import Routing

/// Requires `Authorization: Bearer <token>` on writes (PUT, POST, PATCH, DELETE) when a token is
/// configured; reads stay open, as in LIMS. The token is compared in constant time and never logged.
public struct BearerAuthMiddleware: RouterMiddleware {
    private static let writeMethods: Set<HTTPMethod> = [.put, .post, .patch, .delete]
    private let expected: [UInt8]?

    /// - Parameter token: nil or empty disables the check.
    public init(token: String?) {
        expected = token.flatMap { $0.isEmpty ? nil : Array("Bearer \($0)".utf8) }
    }

    public func handle(_ request: HTTPRequest, context: RequestContext,
                       next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        guard let expected, Self.writeMethods.contains(request.method) else { return try await next(request, context) }
        guard let given = request.headers["Authorization"], Self.constantTimeEqual(Array(given.utf8), expected) else {
            var headers = HTTPHeaders()
            headers.add(name: "WWW-Authenticate", value: "Bearer")
            headers.add(name: "Content-Type", value: "application/json")
            let detail = request.headers["Authorization"] == nil ? "Missing bearer token" : "Invalid bearer token"
            return HTTPResponse(status: .unauthorized, headers: headers, body: Array(#"{"detail":"\#(detail)"}"#.utf8))
        }
        return try await next(request, context)
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
