import HTTP
import Logging

extension HTTPResponse {
    /// Turns any error into a response: the one place where that happens.
    ///
    /// An `HTTPResponseError` gives its status and `{"detail": ...}`; anything else is logged at
    /// error level with its description and answered `500 {"detail":"Internal Server Error"}`,
    /// so no internal message reaches the client.
    /// - Parameters:
    ///   - error: what a handler or middleware threw.
    ///   - logger: the request's logger (it carries the request id).
    public init(error: any Error, logger: Logger) {
        if let error = error as? any HTTPResponseError {
            self.init(status: error.status, detail: error.detail)
            for field in error.headers { headers.add(name: field.name, value: field.value) }
            return
        }
        logger.error("Unhandled error in request handler", metadata: [
            "error.type": "\(type(of: error))", "error.message": "\(String(describing: error))",
        ])
        self.init(status: .internalServerError, detail: "Internal Server Error")
    }
}
