import HTTP

/// An error that knows how it should look on the wire.
///
/// The router's single error-to-response place (`HTTPResponse(error:logger:)`) answers it with
/// `status` and `{"detail": detail}`; every other error becomes a 500.
public protocol HTTPResponseError: Error {
    /// The status to answer with.
    var status: HTTPStatus { get }
    /// The message for the client; it must not leak internals.
    var detail: String { get }
    /// Extra response fields, e.g. `WWW-Authenticate` for a 401. None by default.
    var headers: HTTPHeaders { get }
}

extension HTTPResponseError {
    public var headers: HTTPHeaders { HTTPHeaders() }
}

extension HTTPError: HTTPResponseError {}
