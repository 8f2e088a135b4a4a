import ArgumentParser

/// The options of `jobs` beyond the server's; each also reads `LEAFSYNC_<NAME>` and the config file.
struct JobsOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("image-api-url"), help: "Base URL of image-api. Env LEAFSYNC_IMAGE_API_URL. Default http://127.0.0.1:8080.")
    var imageAPIURL: String?

    @Option(name: .customLong("image-api-token"),
            help: "Bearer token sent on writes to image-api (its LEAFSYNC_API_TOKEN). Env LEAFSYNC_IMAGE_API_TOKEN (prefer it: flags show in ps).")
    var imageAPIToken: String?

    @Option(name: .customLong("image-analyzer-url"),
            help: "Base URL of the LIMS Image Analyzer API. Env LEAFSYNC_IMAGE_ANALYZER_URL. Default none: a deterministic stand-in classifier.")
    var imageAnalyzerURL: String?

    @Option(help: "Seconds between camera images. Env LEAFSYNC_CAMERA_INTERVAL. Default 100 (LIMS).")
    var cameraInterval: Double?

    @Option(help: "Seconds between recognitions. Env LEAFSYNC_RECOGNIZER_INTERVAL. Default 100 (LIMS).")
    var recognizerInterval: Double?

    @Option(help: "Seconds between activations/deactivations. Env LEAFSYNC_ACTIVATION_INTERVAL. Default 300 (LIMS).")
    var activationInterval: Double?

    @Option(help: "Seconds between GPS/camera updates. Env LEAFSYNC_METADATA_INTERVAL. Default 300 (LIMS).")
    var metadataInterval: Double?

    @Option(help: "Seconds between soft deletes. Env LEAFSYNC_DELETION_INTERVAL. Default 700 (LIMS).")
    var deletionInterval: Double?

    @Option(help: "Time compression: every interval is divided by it (600: one LIMS hour lasts 6 s). Env LEAFSYNC_SPEED. Default 1.")
    var speed: Double?

    @Option(help: "Load multiplier (1, 10, 100): also divides every interval, meaning more users and cameras in real time. Env LEAFSYNC_INTENSITY. Default 1.")
    var intensity: Double?

    @Option(help: "Seed of the random choices (plants, images, GPS); equal seeds make equal choices. Env LEAFSYNC_SEED. Default 0.")
    var seed: UInt64?

    @Option(help: "Start the jobs at startup (true) or wait for POST /job/start (false). Env LEAFSYNC_AUTOSTART. Default true.")
    var autostart: Bool?

    @Option(help: "Seconds one call to image-api may take. Env LEAFSYNC_REQUEST_TIMEOUT. Default 10.")
    var requestTimeout: Double?

    init() {}
}
