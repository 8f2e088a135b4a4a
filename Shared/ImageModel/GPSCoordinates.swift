/// A GPS position as LIMS stores it: `[latitude, longitude]`.
public struct GPSCoordinates: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
