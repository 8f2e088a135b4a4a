/// The resolved options of `jobs` (flags, `LEAFSYNC_*` environment, config file, defaults).
public struct JobsSettings: Sendable {
    /// The LIMS intervals, in seconds of LIMS time.
    public enum Schedule: String, CaseIterable, Sendable {
        case camera, recognizer, activation, metadata, deletion

        /// Its name in the environment and config file.
        public var key: String { "\(rawValue)_interval" }

        public var limsSeconds: Double {
            switch self {
            case .camera, .recognizer: 100
            case .activation, .metadata: 300
            case .deletion: 700
            }
        }
    }

    public var imageAPIURL: String
    public var imageAPIToken: String?
    public var imageAnalyzerURL: String?
    /// Seconds per schedule, before scaling.
    public var intervals: [Schedule: Double]
    public var speed: Double
    public var intensity: Double
    public var seed: UInt64
    public var autostart: Bool
    public var requestTimeout: Duration

    public init(imageAPIURL: String, imageAPIToken: String?, imageAnalyzerURL: String?, intervals: [Schedule: Double],
                speed: Double, intensity: Double, seed: UInt64, autostart: Bool, requestTimeout: Duration) {
        self.imageAPIURL = imageAPIURL
        self.imageAPIToken = imageAPIToken
        self.imageAnalyzerURL = imageAnalyzerURL
        self.intervals = intervals
        self.speed = speed
        self.intensity = intensity
        self.seed = seed
        self.autostart = autostart
        self.requestTimeout = requestTimeout
    }

    /// A task's interval in real time: the LIMS (or configured) interval divided by speed and intensity.
    public func interval(_ schedule: Schedule) -> Duration {
        let seconds = (intervals[schedule] ?? schedule.limsSeconds) / (speed * intensity)
        return .nanoseconds(Int64(max(seconds, 0.001) * 1e9))
    }
}
