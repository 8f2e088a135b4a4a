import ImageModel
import JobControl
import Logging

/// What every job of the process shares: the image-api client, the classifier, metrics and the
/// settings, plus the bookkeeping around one operation.
struct JobsContext: Sendable {
    let api: ImageAPIClient
    let classifier: any DiseaseClassifier
    let metrics: JobsMetrics
    let settings: JobsSettings
    let logger: Logger

    /// Runs one operation of `run`'s job and counts its outcome: success, skipped when `body`
    /// returns nil (no image matched), failure when it throws.
    func operation<T>(_ run: JobRun, _ body: () async throws -> T?) async throws -> T? {
        do {
            let result = try await body()
            metrics.record(job: run.job, operation: run.task, outcome: result == nil ? .skipped : .success)
            return result
        } catch let stopped as JobStopped {
            throw stopped
        } catch {
            metrics.record(job: run.job, operation: run.task, outcome: .failure)
            throw error
        }
    }

    /// A random image among the plants in random order (the first that has one), or nil.
    func randomImage(_ random: Randomness, isActive: Bool? = nil, hasDisease: Bool? = nil,
                     isDeleted: Bool? = nil) async throws(JobsError) -> ImageAPIClient.Image? {
        for plant in random.plants() {
            if let image = try await api.random(plant, isActive: isActive, hasDisease: hasDisease, isDeleted: isDeleted) {
                return image
            }
        }
        return nil
    }

    func controller(_ name: String, _ tasks: [JobTask]) -> JobController {
        JobController(name: name, tasks: tasks, autostart: settings.autostart, logger: logger)
    }
}
