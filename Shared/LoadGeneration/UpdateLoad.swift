import Dispatch
import Foundation
import ImageModel
import Synchronization

/// A steady stream of partial updates (POST) to `image-api`, paced by a schedule rather than
/// by the answers: request i is due at start + i / rate, whatever the earlier ones took (open
/// loop, up to `connections` at once), so a slow server shows up as latency and a lower
/// achieved rate, not as a politely slower client. Each request sets a camera_id never sent
/// before, so every one is a real change (and one change event); requests cycle over ids
/// 1...perPlant of each plant.
public struct UpdateLoad: Sendable {
    public let host: String
    public let port: Int
    public let rate: Double
    public let requests: Int
    public let connections: Int
    public let perPlant: Int
    public let timeout: Duration
    public let token: String?

    /// The most requests one run sends, and the longest a request may take.
    public static let maxRequests = 100_000_000
    public static let maxTimeoutSeconds = 3_600.0

    /// - Parameters:
    ///   - url: image-api's base URL, `http://host:port`.
    ///   - timeout: seconds a request may take before it counts as an error.
    /// - Throws: `LoadError` `.invalidSetting` when `url` is not one, or a number is out of range.
    public init(url: String, rate: Double, duration: Double, connections: Int, perPlant: Int, timeout: Double,
                token: String?) throws(LoadError) {
        guard let (host, port) = Self.target(url) else { throw LoadError(.invalidSetting, "the URL must be http://host:port, got \(url)") }
        guard rate > 0, duration > 0, rate * duration <= Double(Self.maxRequests) else {
            throw LoadError(.invalidSetting, "rate and duration must be positive, and send at most \(Self.maxRequests) requests")
        }
        guard timeout > 0, timeout <= Self.maxTimeoutSeconds else {
            throw LoadError(.invalidSetting, "the timeout must be positive and at most \(Int(Self.maxTimeoutSeconds)) s")
        }
        guard connections >= 1, connections <= 10_000, perPlant >= 1 else {
            throw LoadError(.invalidSetting, "connections (at most 10000) and records per plant must be at least 1")
        }
        (self.host, self.port, self.rate, self.connections, self.perPlant, self.token) = (host, port, rate, connections, perPlant, token)
        self.timeout = .milliseconds(Int64(timeout * 1000))
        requests = Int((rate * duration).rounded())
    }

    /// Host and port of an `http://host:port` URL (a trailing path is ignored).
    static func target(_ url: String) -> (host: String, port: Int)? {
        guard url.hasPrefix("http://") else { return nil }
        let authority = url.dropFirst("http://".count).prefix { $0 != "/" }
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]),
              (1...65_535).contains(port) else { return nil }
        return (String(authority[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    /// Sends every request, each worker a thread of its own, and returns when all are answered
    /// or failed. Blocks the calling thread.
    public func run() -> LoadReport {
        let plan = LoadPlan(rate: rate, total: requests, perPlant: perPlant, cameraBase: Timestamp.currentMicroseconds())
        let updates = UpdateRequests(host: host, port: port, token: token)
        let tallies = Mutex<[LoadTally]>([])
        let finished = DispatchGroup()
        for _ in 0..<connections {
            finished.enter()
            Thread.detachNewThread { [host, port, timeout] in
                let tally = plan.work(updates, connection: HTTPLoadConnection(host: host, port: port, timeout: timeout))
                tallies.withLock { $0.append(tally) }
                finished.leave()
            }
        }
        finished.wait()
        let tally = tallies.withLock { LoadTally(merging: $0) }
        return LoadReport(tally: tally, seconds: plan.start.duration(to: tally.lastCompletion ?? plan.start).seconds)
    }
}

/// What an `UpdateLoad` came to.
public struct LoadReport: Sendable {
    public let tally: LoadTally
    /// From the first request's due time to the last answer.
    public let seconds: Double

    /// Answered 2xx per second.
    public var achievedRate: Double { seconds > 0 ? Double(tally.succeeded) / seconds : 0 }

    /// The `q` quantile of the latencies from due time to answer, in milliseconds (0 with none).
    public func latencyMilliseconds(_ q: Double) -> Double {
        let latencies = tally.latencies.sorted()
        guard !latencies.isEmpty else { return 0 }
        let rank = Int((q * Double(latencies.count)).rounded(.up)) - 1
        return Double(latencies[min(max(rank, 0), latencies.count - 1)]) / 1000
    }

    /// The report as `sync-bench load` prints it, ending with a `result key=value ...` line.
    public var lines: [String] {
        let late = tally.requests == 0 ? 0 : 100 * Double(tally.lateStarts) / Double(tally.requests)
        let (p50, p99) = (latencyMilliseconds(0.5), latencyMilliseconds(0.99))
        return [
            "load: sent \(tally.requests), 2xx \(tally.succeeded), non-2xx \(tally.rejected), errors \(tally.failed) "
                + "in \(format(seconds, 2)) s: \(format(achievedRate, 1)) req/s achieved",
            "load: latency from due time p50 \(format(p50, 2)) ms, p99 \(format(p99, 2)) ms, "
                + "max \(format(latencyMilliseconds(1), 2)) ms; \(format(late, 2))% started over 1 ms late",
        ] + (tally.firstError.map { ["load: first error: \($0)"] } ?? []) + [
            "result requests=\(tally.requests) ok=\(tally.succeeded) non2xx=\(tally.rejected) errors=\(tally.failed) "
                + "seconds=\(format(seconds, 2)) rate=\(format(achievedRate, 1)) p50_ms=\(format(p50, 2)) p99_ms=\(format(p99, 2))",
        ]
    }
}

/// `value` with `digits` fraction digits.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
