import Foundation
import ImageModel

/// What one run of the batch sync did. Bytes are LIMS JSON sizes (`Image.transferSize`).
public struct BatchSyncReport: Sendable, Hashable, CustomStringConvertible {
    public var mode: BatchSyncMode
    /// The run's start.
    public var startedAt: Timestamp
    /// The producer DB's change horizon at the start, stored as the watermark once the run
    /// succeeds; nil when the run failed before reading it.
    public var horizon: ChangeHorizon?
    /// The records read changed since this horizon; nil: every record was read.
    public var since: ChangeHorizon?
    public var recordsRead = 0
    /// Records sent to the consumer DB in bulk writes that succeeded.
    public var recordsWritten = 0
    /// Of those, the records the version guard let through: new or newer than the stored ones.
    public var recordsApplied = 0
    public var bytesRead = 0
    public var bytesWritten = 0
    /// Pages read (an empty last page included).
    public var pages = 0
    public var recordsWrittenByPlant: [Plant: Int] = [:]
    public var duration: Duration = .zero

    public init(mode: BatchSyncMode, startedAt: Timestamp, since: ChangeHorizon? = nil) {
        self.mode = mode
        self.startedAt = startedAt
        self.since = since
    }

    /// One line, the run's summary in the job log:
    /// `incremental since postgres-snapshot 1203:1207:1204: read 5, wrote 5, applied 5 records (195210 bytes) in 0.042 s`.
    public var description: String {
        let scope = since.map { "since \($0)" } ?? "of every record"
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return "\(mode.rawValue) \(scope): read \(recordsRead), wrote \(recordsWritten), applied \(recordsApplied) records "
            + "(\(bytesWritten) bytes) in \(String(format: "%.3f", seconds)) s"
    }
}
