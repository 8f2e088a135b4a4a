import ArgumentParser
import LIMSJobs
import ServiceKit

/// `jobs`: LIMS's Camera, Leaf Disease Recognizer and Users jobs, calling image-api over HTTP.
@main
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "The LeafSync jobs: camera, recognizer and users, driving image-api like LIMS's clients.",
        discussion: ServerOptions.precedenceDiscussion + """


            --speed compresses time (the same LIMS day in fewer real seconds); --intensity \
            multiplies the load (ten times the cameras and users, in real time). Both divide \
            every interval; they differ in what the numbers mean for an experiment.
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var options: JobsOptions

    func run() async throws {
        let settings = try server.resolve(defaultPort: 5050)
        let host = ServiceHost("jobs", settings: settings)
        try await Jobs(host: host, settings: try JobsSettings(options, source: settings.source)).run()
    }
}
