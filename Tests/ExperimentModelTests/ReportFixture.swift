import Foundation
import ExperimentModel

/// A hand-made results.json small enough to compute the model by hand: T = 10 s, runs of 1 s
/// (a cycle of 11 s), window 100 s, 50 changes (r = 0.5/s); batch-full wrote 1,000 records of
/// 200 bytes stored (400 as LIMS JSON with hex) in 10 runs (N = 100, s = 200); envelope events
/// 100 bytes, legacy 400. `intensity` k multiplies the changes and
/// everything that follows them (stream and incremental bytes), not full batch: a sweep's point.
enum ReportFixture {
    static func results(intensity k: Int = 1) throws -> ExperimentResults {
        let names = ["stream-envelope", "stream-legacy", "batch-full", "batch-incremental"]
        let json: [String: Any] = [
            "schema_version": 2,
            "parameters": ["store": "postgres", "per_plant": 30, "duration_seconds": 100, "speed": 60, "intensity": k,
                           "seed": 42, "batch_interval_seconds": 600, "batch_period_seconds": 10,
                           "watermark_margin_seconds": 5, "quick": true, "created_before": "2026-12-02T00:00:00", "run_id": "fixture"],
            "versions": ["librdkafka": "2.16.0"],
            "machine": ["cores": 2, "memory_bytes": 1_000_000_000],
            "started_at": "2026-12-02T00:00:00Z", "workload_started_at": "2026-12-02T00:00:01Z",
            "finished_at": "2026-12-02T00:02:00Z", "window_seconds": 100,
            "changes": ["count": 50 * k, "by_op": ["create": 10 * k, "update": 40 * k, "delete": 0],
                        "jobs_operations_succeeded": 50 * k, "jobs_operations_failed": 0],
            "variants": [
                variant("stream-envelope", bytes: 30_000 * k, payload: ("image-api image_api_image_size{format=\"envelope\"}", 5_000 * Double(k)),
                        stalenessBounds: [0.01, 0.05, 0.1], cumulative: [20, 49, 50]),
                variant("stream-legacy", bytes: 60_000 * k, payload: ("image-api image_api_image_size{format=\"legacy\"}", 20_000 * Double(k)),
                        stalenessBounds: [0.01, 0.05, 0.1], cumulative: [10, 45, 50]),
                variant("batch-full", bytes: 200_000, payload: ("db-synchronizer-full db_synchronization_job_bytes_written_total", 200_000),
                        stalenessBounds: [1, 5, 10], cumulative: [5, 25, 50],
                        batch: ["runs": 10, "records_written": 1_000, "bytes_written": 400_000, "stored_bytes_written": 200_000,
                                "mean_run_seconds": 1]),
                variant("batch-incremental", bytes: 20_000 * k, payload: ("db-synchronizer-incremental db_synchronization_job_bytes_written_total", 10_000 * Double(k)),
                        stalenessBounds: [1, 5, 10], cumulative: [5, 25, 50],
                        batch: ["runs": 10, "records_written": 50 * k, "bytes_written": 10_000 * k, "mean_run_seconds": 0.5]),
            ],
            "producer_api_and_outbox": hop("producer-db-api", 1_000),
            "shared_cost": [cost("tansu-a")],
            "consumer_dbs_equal": true, "methods": [String: String](),
            "timeline": [[ "seconds": 0, "changes": 0, "bytes": Dictionary(uniqueKeysWithValues: names.map { ($0, 0) }) ],
                         [ "seconds": 50, "changes": 25, "bytes": ["stream-envelope": 15_000, "stream-legacy": 30_000,
                                                                    "batch-full": 100_000, "batch-incremental": 10_000] ],
                         [ "seconds": 100, "changes": 50, "bytes": ["stream-envelope": 30_000, "stream-legacy": 60_000,
                                                                     "batch-full": 200_000, "batch-incremental": 20_000] ]],
        ]
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ExperimentResults.self, from: JSONSerialization.data(withJSONObject: json))
    }

    private static func variant(_ name: String, bytes: Int, payload: (String, Double), stalenessBounds: [Double],
                                cumulative: [Int], batch: [String: Any]? = nil) -> [String: Any] {
        var result: [String: Any] = [
            "name": name, "summary": name, "hops": [hop("\(name)-source", bytes / 2), hop("\(name)-db", bytes / 2)],
            "bytes": bytes, "bytes_per_change": Double(bytes) / 50, "payload": [["metric": payload.0, "bytes": payload.1]],
            "consumer_db_equal": true, "cost": cost(name),
            "staleness": ["source": name, "window": "all", "count": 50, "overflow_count": 0, "mean_seconds": stalenessBounds[0],
                          "p50_upper_bound_seconds": stalenessBounds[1], "p95_upper_bound_seconds": stalenessBounds[1],
                          "p99_upper_bound_seconds": stalenessBounds[2], "max_upper_bound_seconds": stalenessBounds[2],
                          "buckets": zip(stalenessBounds, cumulative).map { ["upper_bound_seconds": $0, "cumulative_count": $1] }],
        ]
        result["batch"] = batch
        return result
    }

    private static func hop(_ relay: String, _ bytes: Int) -> [String: Any] {
        ["relay": relay, "between": relay, "bytes_up": bytes / 2, "bytes_down": bytes - bytes / 2, "total_bytes_up": bytes / 2,
         "total_bytes_down": bytes - bytes / 2, "connections_accepted": 1]
    }

    private static func cost(_ process: String) -> [String: Any] {
        ["process": process, "role": process, "cpu_seconds": 1, "average_vcpu": 0.01, "vcpu_per_thousand_changes_per_second": 20,
         "idle_average_vcpu": 0.005, "vcpu_per_thousand_changes_per_second_above_idle": 10, "peak_rss_bytes": 40_000_000]
    }
}
