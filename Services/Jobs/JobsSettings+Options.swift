import ArgumentParser
import LIMSJobs
import ServiceKit

extension JobsSettings {
    /// Reads the settings from `options` with the service's precedence rules.
    init(_ options: JobsOptions, source: ConfigurationSource) throws {
        let flags: [Schedule: Double?] = [
            .camera: options.cameraInterval, .recognizer: options.recognizerInterval,
            .activation: options.activationInterval, .metadata: options.metadataInterval, .deletion: options.deletionInterval,
        ]
        var intervals: [Schedule: Double] = [:]
        for schedule in Schedule.allCases {
            intervals[schedule] = try Self.positive(source, schedule.key, flags[schedule] ?? nil, default: schedule.limsSeconds)
        }
        let speed = try Self.positive(source, "speed", options.speed, default: 1)
        let intensity = try Self.positive(source, "intensity", options.intensity, default: 1)
        let seedText = source.string("seed", flag: options.seed.map(String.init), default: "0")
        guard let seed = UInt64(seedText) else { throw ValidationError("seed must be a non-negative integer, not \"\(seedText)\"") }
        let autostartText = source.string("autostart", flag: options.autostart.map(String.init), default: "true")
        guard let autostart = Bool(autostartText) else { throw ValidationError("autostart must be true or false, not \"\(autostartText)\"") }
        self.init(imageAPIURL: source.string("image_api_url", flag: options.imageAPIURL, default: "http://127.0.0.1:8080"),
                  imageAPIToken: source.optionalString("image_api_token", flag: options.imageAPIToken),
                  imageAnalyzerURL: source.optionalString("image_analyzer_url", flag: options.imageAnalyzerURL),
                  intervals: intervals, speed: speed, intensity: intensity, seed: seed, autostart: autostart,
                  requestTimeout: try source.seconds("request_timeout", flag: options.requestTimeout, default: 10))
    }

    private static func positive(_ source: ConfigurationSource, _ key: String, _ flag: Double?, default value: Double) throws -> Double {
        let seconds = try source.seconds(key, flag: flag, default: value)
        guard seconds > .zero else { throw ValidationError("\(key) must be greater than 0") }
        return Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
    }
}
