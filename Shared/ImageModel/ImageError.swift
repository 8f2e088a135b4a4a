/// Why an image operation failed, in words a client can act on.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request was malformed or a field was invalid (HTTP 422).
        case invalidField
        /// No image with that id (HTTP 404).
        case notFound
        /// A value over a size limit, such as a JPEG larger than the events can carry (HTTP 413).
        case tooLarge
        /// The operation cannot be done in the current state, e.g. no image to copy data from (409).
        case conflict
        /// The store could not be reached or failed (HTTP 503/500); `message` has the cause.
        case storeUnavailable
        case storeFailure
        /// The store refused the data for good: a constraint, a type, a range or a size it will
        /// never accept (HTTP 422). Retrying the same write cannot succeed.
        case storeRejected
    }

    public let code: Code
    /// The field the error is about, if any (`camera_id`, `gps_coordinates[0]`, `plant`...).
    public let field: String?
    public let message: String

    public init(code: Code, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public static func invalidField(_ field: String, _ problem: String) -> ImageError {
        ImageError(code: .invalidField, field: field, message: "\(field): \(problem)")
    }

    public static func notFound(_ plant: Plant, id: Int64) -> ImageError {
        ImageError(code: .notFound, message: "Image \(id) of \(plant.rawValue) not found")
    }

    public var description: String { message }
}
