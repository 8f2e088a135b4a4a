import HTTP
import ImageModel
import Routing

/// How domain errors look on the wire; the router's single error mapping uses this.
extension ImageError: HTTPResponseError {
    public var status: HTTPStatus {
        switch code {
        case .invalidField: return .unprocessableContent
        case .tooLarge: return .payloadTooLarge
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .storeUnavailable: return .serviceUnavailable
        case .storeFailure: return .internalServerError
        case .storeRejected: return .unprocessableContent
        }
    }

    /// Store failures stay in the log; the client learns only that the database failed.
    public var detail: String {
        switch code {
        case .storeUnavailable: return "The image database is unavailable; retry later"
        case .storeFailure: return "The image database failed; see the server log"
        default: return message
        }
    }
}
