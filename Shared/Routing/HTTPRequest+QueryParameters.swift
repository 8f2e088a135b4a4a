import HTTP

extension HTTPRequest {
    /// The decoded query parameters of the request target.
    ///
    /// Parsed on each access: handlers read it once, and the request stays a plain value.
    public var queryParameters: QueryParameters {
        QueryParameters(query)
    }
}
