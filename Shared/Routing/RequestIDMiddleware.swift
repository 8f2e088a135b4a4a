import HTTP
import Logging

/// Gives every request an id: the client's `X-Request-ID` if it looks sane, else a new one.
///
/// Sets `context.requestID`, adds `request.id` to the context logger's metadata, and echoes the
/// id in the response's `X-Request-ID`, so a client can quote it when reporting a problem.
public struct RequestIDMiddleware: RouterMiddleware {
    /// The request and response field carrying the id.
    public static let headerName = "X-Request-ID"

    public init() {}

    public func handle(_ request: HTTPRequest, context: RequestContext,
                       next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        let id = request.headers[RequestIDMiddleware.headerName].flatMap { RequestIDMiddleware.isSane($0) ? $0 : nil }
            ?? RequestIDMiddleware.generate()
        var context = context
        context.requestID = id
        context.logger[metadataKey: "request.id"] = "\(id)"
        var response = try await next(request, context)
        response.headers.replaceOrAdd(name: RequestIDMiddleware.headerName, value: id)
        return response
    }

    /// 1–64 characters of `[A-Za-z0-9-_.]`: safe to log and to echo in a header.
    static func isSane(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= 64 && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
    }

    /// 32 random lowercase hex digits (128 bits).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16)
        let low = String(generator.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }
}
