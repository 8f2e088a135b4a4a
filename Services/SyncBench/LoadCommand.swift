import ArgumentParser
import Foundation
import ImageModel
import LoadGeneration

/// `sync-bench load`: `UpdateLoad`, a steady stream of partial updates (POST) to `image-api`.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send a steady R partial updates per second (POST /image-plant/{plant}/) to image-api for D seconds.",
        discussion: """
        Each request sets a camera_id never sent before, so every one is a real change (and one \
        change event). Requests cycle over ids 1..--per-plant of each plant. Prints the achieved \
        rate, errors and latency (from each request's due time), then a `result key=value ...` line.
        """)

    @Option(help: "image-api's base URL, http://host:port.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "Requests per second.")
    var rate: Double = 1000

    @Option(help: "Seconds to send for.")
    var duration: Double = 30

    @Option(help: "Keep-alive connections, each with its own thread: the most requests in flight at once.")
    var connections: Int = 16

    @Option(help: "Records per plant to update (ids 1...N must exist, e.g. seeder --per-plant N).")
    var perPlant: Int = 200

    @Option(help: "Seconds a request may take before it counts as an error.")
    var timeout: Double = 5

    @Option(help: "Bearer token, if image-api requires one. Env LEAFSYNC_API_TOKEN.")
    var apiToken: String?

    func validate() throws {
        _ = try load()
    }

    private func load() throws -> UpdateLoad {
        do {
            return try UpdateLoad(url: url, rate: rate, duration: duration, connections: connections, perPlant: perPlant,
                                  timeout: timeout,
                                  token: apiToken ?? ProcessInfo.processInfo.environment["LEAFSYNC_API_TOKEN"])
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let load = try load()
        print("load: POST /image-plant/{plant}/ to \(url), \(String(format: "%.0f", rate))/s for \(String(format: "%.1f", duration)) s "
              + "over \(connections) connections, \(perPlant * Plant.allCases.count) records")
        for line in load.run().lines { print(line) }
    }
}
