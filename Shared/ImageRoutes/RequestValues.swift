import HTTP
import ImageModel
import Routing

/// Path and query values of the image endpoints, validated with errors naming the parameter.
enum RequestValues {
    static func plant(_ context: RequestContext) throws(ImageError) -> Plant {
        try Plant(validating: context.parameters["plant"] ?? "")
    }

    static func imageID(_ context: RequestContext) throws(ImageError) -> Int64 {
        try parseInt64(context.parameters["image_id"], name: "image_id", in: 1...Int64.max)
    }

    static func int64(_ query: QueryParameters, _ name: String, in range: ClosedRange<Int64>) throws(ImageError) -> Int64 {
        try parseInt64(query[name], name: name, in: range)
    }

    private static func parseInt64(_ text: String?, name: String, in range: ClosedRange<Int64>) throws(ImageError) -> Int64 {
        guard let text else { throw ImageError.invalidField(name, "is required") }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) else {
            throw ImageError.invalidField(name, "must be an integer, got \"\(text)\"")
        }
        guard let value = Int64(text) else {
            throw ImageError.invalidField(name, "must be an integer within [\(range.lowerBound), \(range.upperBound)], got \(text)")
        }
        guard range.contains(value) else {
            throw ImageError.invalidField(name, "must be within [\(range.lowerBound), \(range.upperBound)], got \(value)")
        }
        return value
    }

    static func filter(_ query: QueryParameters) throws(ImageError) -> ImageFilter {
        ImageFilter(isActive: try bool(query, "is_active"), hasDisease: try bool(query, "has_disease"),
                    isDeleted: try bool(query, "is_deleted"))
    }

    /// FastAPI's boolean spellings, so LIMS clients keep working; an empty value is invalid, as there.
    private static func bool(_ query: QueryParameters, _ name: String) throws(ImageError) -> Bool? {
        guard let text = query[name] else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ImageError.invalidField(name, "must be true or false, got \"\(text)\"")
        }
    }
}
