import ArgumentParser
import ServiceKit

/// The resolved options of `jobs` (flags, `LEAFSYNC_*` environment, config file, defaults).
struct JobsSettings: Sendable {
    /// The LIMS intervals, in seconds of LIMS time.
    enum Schedule: String, CaseIterable, Sendable {
        case camera, recognizer, activation, metadata, deletion

        var key: String { "\(rawValue)_interval" }

        var limsSeconds: Double {
            switch self {
            case .camera, .recognizer: 100
            case .activation, .metadata: 300
            case .deletion: 700
            }
        }
    }

    var imageAPIURL: String
    var imageAPIToken: String?
    var imageAnalyzerURL: String?
    /// Seconds per schedule, before scaling.
    var intervals: [Schedule: Double]
    var speed: Double
    var intensity: Double
    var seed: UInt64
    var autostart: Bool
    var requestTimeout: Duration

    /// A task's interval in real time: the LIMS (or configured) interval divided by speed and intensity.
    func interval(_ schedule: Schedule) -> Duration {
        let seconds = (intervals[schedule] ?? schedule.limsSeconds) / (speed * intensity)
        return .nanoseconds(Int64(max(seconds, 0.001) * 1e9))
    }
}

extension JobsSettings {
    /// Reads the settings from `options` with the service's precedence rules.
    init(_ options: JobsOptions, source: ConfigurationSource) throws {
        imageAPIURL = source.string("image_api_url", flag: options.imageAPIURL, default: "http://127.0.0.1:8080")
        imageAPIToken = source.optionalString("image_api_token", flag: options.imageAPIToken)
        imageAnalyzerURL = source.optionalString("image_analyzer_url", flag: options.imageAnalyzerURL)
        let flags: [Schedule: Double?] = [
            .camera: options.cameraInterval, .recognizer: options.recognizerInterval,
            .activation: options.activationInterval, .metadata: options.metadataInterval, .deletion: options.deletionInterval,
        ]
        var intervals: [Schedule: Double] = [:]
        for schedule in Schedule.allCases {
            intervals[schedule] = try Self.positive(source, schedule.key, flags[schedule] ?? nil, default: schedule.limsSeconds)
        }
        self.intervals = intervals
        speed = try Self.positive(source, "speed", options.speed, default: 1)
        intensity = try Self.positive(source, "intensity", options.intensity, default: 1)
        let seedText = source.string("seed", flag: options.seed.map(String.init), default: "0")
        guard let seed = UInt64(seedText) else { throw ValidationError("seed must be a non-negative integer, not \"\(seedText)\"") }
        self.seed = seed
        let autostartText = source.string("autostart", flag: options.autostart.map(String.init), default: "true")
        guard let autostart = Bool(autostartText) else { throw ValidationError("autostart must be true or false, not \"\(autostartText)\"") }
        self.autostart = autostart
        requestTimeout = try source.seconds("request_timeout", flag: options.requestTimeout, default: 10)
    }

    private static func positive(_ source: ConfigurationSource, _ key: String, _ flag: Double?, default value: Double) throws -> Double {
        let seconds = try source.seconds(key, flag: flag, default: value)
        guard seconds > .zero else { throw ValidationError("\(key) must be greater than 0") }
        return Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
    }
}
