import ImageModel

/// How the batch sync reads the producer DB.
public enum BatchSyncMode: String, Sendable, Hashable, CaseIterable {
    /// Every record of every plant, every run: the naive batch job.
    case full
    /// Only records changed since the last successful run's watermark (all of them on the
    /// first run).
    case incremental
}

/// What a `BatchSynchronizer` does and how.
public struct BatchSyncSettings: Sendable, Hashable {
    public var mode: BatchSyncMode
    /// Records per read and per bulk write: the memory bound of a run.
    public var pageSize: Int
    /// Subtracted from a watermark that is a clock (MongoDB's server time) before an
    /// incremental read: covers document writes in flight when the run began and steps of the
    /// server's clock. A PostgreSQL snapshot is exact and needs none. Re-copying is harmless.
    public var watermarkMargin: Duration
    /// The key of the watermark in the consumer DB: jobs with other names keep their own.
    public var jobName: String
    public var plants: [Plant]

    public init(mode: BatchSyncMode = .incremental, pageSize: Int = 200, watermarkMargin: Duration = .seconds(60),
                jobName: String = "db-synchronizer", plants: [Plant] = Plant.allCases) {
        precondition(pageSize >= 1, "pageSize must be at least 1")
        precondition(watermarkMargin >= .zero, "watermarkMargin must not be negative")
        self.mode = mode
        self.pageSize = pageSize
        self.watermarkMargin = watermarkMargin
        self.jobName = jobName
        self.plants = plants
    }
}
