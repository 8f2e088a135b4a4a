import JSON

/// The body of a create (PUT) request: `{"camera_id": 1, "gps_coordinates": [lat, lon]}`.
///
/// `data` (hex JPEG) is our optional extension; without it (absent or null) the store copies
/// the data of a random existing image of the plant, as LIMS did.
public struct NewImage: Sendable, Hashable {
    public var cameraID: Int64
    public var gpsCoordinates: GPSCoordinates
    public var data: [UInt8]?

    public init(cameraID: Int64, gpsCoordinates: GPSCoordinates, data: [UInt8]? = nil) {
        self.cameraID = cameraID
        self.gpsCoordinates = gpsCoordinates
        self.data = data
    }

    /// Decodes and validates a create request body.
    /// - Throws: `ImageError` with code `.invalidField` naming the offending field.
    public init(json body: [UInt8]) throws(ImageError) {
        let fields: [ImageField] = [.cameraID, .gpsCoordinates, .data]
        let values = try FieldReader(body: body, allowed: Set(fields.map(\.rawValue))).values(of: fields)
        guard let cameraID = values[.cameraID]?.integer else { throw ImageError.invalidField("camera_id", "is required") }
        guard let gps = values[.gpsCoordinates]?.coordinates else { throw ImageError.invalidField("gps_coordinates", "is required") }
        self.init(cameraID: cameraID, gpsCoordinates: gps, data: values[.data]?.bytes)
    }
}
