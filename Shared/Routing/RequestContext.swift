import Logging

/// What the router knows about a request besides the request itself.
public struct RequestContext: Sendable {
    /// Path parameters by name, percent-decoded.
    public var parameters: Parameters
    /// The request id (set by `RequestIDMiddleware`; empty without it).
    public var requestID: String
    /// The logger for this request; `RequestIDMiddleware` adds `request.id` metadata.
    public var logger: Logger
    /// The matched template, e.g. `/image-plant/{plant}/{image_id}`, or `unmatched`.
    public var routeTemplate: String

    /// The route template given to requests no route matched (404 and 405).
    public static let unmatchedTemplate = "unmatched"

    /// A context; the defaults describe an unmatched request without an id.
    public init(parameters: Parameters = Parameters(), requestID: String = "", logger: Logger,
                routeTemplate: String = RequestContext.unmatchedTemplate) {
        self.parameters = parameters
        self.requestID = requestID
        self.logger = logger
        self.routeTemplate = routeTemplate
    }
}
