import ArgumentParser
import Dispatch
import Foundation
import ImageModel
import Synchronization

/// `sync-bench load`: a steady stream of partial updates (POST) to `image-api`, paced by a
/// schedule rather than by the answers: request i is due at start + i / rate, whatever the
/// earlier ones took (open loop, up to `--connections` at once), so a slow server shows up as
/// latency and a lower achieved rate, not as a politely slower client.
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
        guard rate > 0, duration > 0, timeout > 0 else { throw ValidationError("--rate, --duration and --timeout must be positive") }
        guard connections >= 1, perPlant >= 1 else { throw ValidationError("--connections and --per-plant must be at least 1") }
        guard target != nil else { throw ValidationError("--url must be http://host:port, got \(url)") }
    }

    /// Host and port of `url`.
    private var target: (host: String, port: Int)? {
        guard url.hasPrefix("http://") else { return nil }
        let authority = url.dropFirst("http://".count).prefix { $0 != "/" }
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]),
              (1...65_535).contains(port) else { return nil }
        return (String(authority[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    func run() throws {
        let (host, port) = target!
        let token = apiToken ?? ProcessInfo.processInfo.environment["LEAFSYNC_API_TOKEN"]
        let plan = LoadPlan(rate: rate, total: Int((rate * duration).rounded()), perPlant: perPlant,
                            cameraBase: Timestamp.currentMicroseconds())
        let requests = UpdateRequests(host: host, port: port, token: token)
        let tallies = Mutex<[LoadTally]>([])
        let finished = DispatchGroup()
        let requestTimeout = Duration.milliseconds(Int64(timeout * 1000))
        print("load: POST /image-plant/{plant}/ to \(url), \(format(rate, 0))/s for \(format(duration, 1)) s over "
              + "\(connections) connections, \(perPlant * Plant.allCases.count) records")
        for _ in 0..<connections {
            finished.enter()
            Thread.detachNewThread {
                let tally = plan.work(requests, connection: HTTPLoadConnection(host: host, port: port, timeout: requestTimeout))
                tallies.withLock { $0.append(tally) }
                finished.leave()
            }
        }
        finished.wait()
        report(tallies.withLock { LoadTally(merging: $0) }, plan: plan)
    }

    private func report(_ tally: LoadTally, plan: LoadPlan) {
        let seconds = plan.start.duration(to: tally.lastCompletion ?? plan.start).seconds
        let achieved = seconds > 0 ? Double(tally.succeeded) / seconds : 0
        let latencies = tally.latencies.sorted()
        func percentile(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let rank = Int((q * Double(latencies.count)).rounded(.up)) - 1
            return Double(latencies[min(max(rank, 0), latencies.count - 1)]) / 1000
        }
        let late = tally.requests == 0 ? 0 : 100 * Double(tally.lateStarts) / Double(tally.requests)
        print("load: sent \(tally.requests), 2xx \(tally.succeeded), non-2xx \(tally.rejected), errors \(tally.failed) "
              + "in \(format(seconds, 2)) s: \(format(achieved, 1)) req/s achieved")
        print("load: latency from due time p50 \(format(percentile(0.5), 2)) ms, p99 \(format(percentile(0.99), 2)) ms, "
              + "max \(format(percentile(1), 2)) ms; \(format(late, 2))% started over 1 ms late")
        if let error = tally.firstError { print("load: first error: \(error)") }
        print("result requests=\(tally.requests) ok=\(tally.succeeded) non2xx=\(tally.rejected) errors=\(tally.failed) "
              + "seconds=\(format(seconds, 2)) rate=\(format(achieved, 1)) p50_ms=\(format(percentile(0.5), 2)) "
              + "p99_ms=\(format(percentile(0.99), 2))")
    }
}

/// `value` with `digits` fraction digits.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
