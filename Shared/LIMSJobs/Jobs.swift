import HTTPClient
import JobControl
import Logging
import ServiceKit

/// The jobs process, assembled in one place: clients, the three jobs, routes, server, lifecycle.
public struct Jobs: Sendable {
    let host: ServiceHost
    let settings: JobsSettings

    public init(host: ServiceHost, settings: JobsSettings) {
        self.host = host
        self.settings = settings
    }

    /// Serves the job routes and runs the jobs until the process is told to stop.
    public func run() async throws {
        let logger = host.logger
        let context = try makeContext(logger: logger)
        let jobs = [CameraJob.make(context), RecognizerJob.make(context), UsersJob.make(context)]
        logger.info("starting", metadata: [
            "jobs.image_api_url": "\(settings.imageAPIURL)",
            "jobs.classifier": "\(settings.imageAnalyzerURL ?? "stand-in (no image analyzer configured)")",
            "jobs.speed": "\(settings.speed)", "jobs.intensity": "\(settings.intensity)", "jobs.seed": "\(settings.seed)",
        ])
        // Ready as soon as it serves: the jobs ride out an image-api outage, so it is no reason
        // to take this process out of service.
        let router = host.router(protectsWrites: true) { nil }
        JobRoutes.register(on: router, jobs: jobs)
        // The jobs end their runs before the server stops.
        try await host.serve(router, last: jobs)
        logger.info("stopped")
    }

    private func makeContext(logger: Logger) throws -> JobsContext {
        let imageAPI = ServiceCaller(
            name: "image-api", client: try HTTPClient(url: settings.imageAPIURL, timeout: settings.requestTimeout),
            token: settings.imageAPIToken, outage: OutageLog(service: "image-api", logger: logger))
        let classifier: any DiseaseClassifier = try settings.imageAnalyzerURL.map { url in
            ImageAnalyzerClassifier(caller: ServiceCaller(
                name: "image analyzer", client: try HTTPClient(url: url, timeout: settings.requestTimeout),
                token: nil, outage: OutageLog(service: "image analyzer", logger: logger)))
        } ?? StandInClassifier()
        return JobsContext(api: ImageAPIClient(caller: imageAPI), classifier: classifier, metrics: JobsMetrics(),
                           settings: settings, logger: logger)
    }
}
