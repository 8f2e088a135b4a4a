/// The HTTP module's error: a status and a human-readable detail.
///
/// The decoder throws it to reject a request (the transport answers with `status` and a JSON
/// `{"detail": ...}` body); handlers may throw it to produce the same kind of answer.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status the client receives.
    public var status: HTTPStatus
    /// What was wrong, safe to show the client.
    public var detail: String

    /// An error answered with `status` and `detail`.
    public init(_ status: HTTPStatus, detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(detail)" }
}
