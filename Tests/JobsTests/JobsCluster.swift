import Foundation
import JSON
import TestSupport

/// A fresh database on a real store, seeded, with a real `image-api` on it and a `jobs` process
/// driving that image-api over HTTP.
final class JobsCluster: @unchecked Sendable {
    // @unchecked: a test drives its cluster from one task at a time.
    static let apiToken = "api-token"
    static let jobsToken = "jobs-token"

    let api: RunningService
    private(set) var jobs: RunningService?

    private init(api: RunningService) {
        self.api = api
    }

    /// Runs `body` with image-api on a fresh, seeded namespace of `store`; removes it afterwards.
    static func with(_ store: TestStore, _ body: (JobsCluster) async throws -> Void) async throws {
        try await store.withFreshURL { url, _ in
            let seeder = try await RunningService("seeder", ["--store-url", url, "--per-plant", "20"], listens: false)
            guard try await seeder.exitStatus() == 0 else { throw TestFailure("seeder failed:\n\(seeder.log)") }
            let api = try await RunningService("image-api", ["--store-url", url, "--port", "0", "--log-level", "info"],
                                               environment: ["LEAFSYNC_API_TOKEN": apiToken])
            let cluster = JobsCluster(api: api)
            defer {
                api.terminate()
                cluster.jobs?.terminate()
            }
            do {
                try await body(cluster)
            } catch {
                throw TestFailure("\(error)\n--- jobs log (tail) ---\n\(cluster.jobs?.log.suffix(3000) ?? "")\n--- image-api log (tail) ---\n\(api.log.suffix(2000))")
            }
        }
    }

    /// Starts `jobs` against this cluster's image-api (or `imageAPIURL`).
    @discardableResult
    func startJobs(_ arguments: [String], imageAPIURL: String? = nil) async throws -> RunningService {
        let process = try await RunningService(
            "jobs", ["--port", "0", "--image-api-url", imageAPIURL ?? "http://127.0.0.1:\(api.port)", "--log-level", "info"] + arguments,
            environment: ["LEAFSYNC_IMAGE_API_TOKEN": Self.apiToken, "LEAFSYNC_API_TOKEN": Self.jobsToken])
        jobs = process
        return process
    }

    /// image-api's count of images matching `flags` over all plants (`total_images` of the list).
    func count(_ flags: String) async throws -> Int64 {
        var total: Int64 = 0
        for plant in ["potato", "tomato", "pepper"] {
            let (status, json, text) = try await api.send(.get, "/image-plant/\(plant)/?from_id=1&limit=1\(flags)")
            guard status == 200, case .number(let number)? = json?["total_images"], let count = number.int64 else {
                throw TestFailure("image-api list \(plant) → \(status) \(text)")
            }
            total += count
        }
        return total
    }
}
