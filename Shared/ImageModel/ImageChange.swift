/// A field of an image record that a change can touch; the names are the LIMS JSON names.
public enum ImageField: String, Sendable, CaseIterable, Hashable {
    case cameraID = "camera_id", data, gpsCoordinates = "gps_coordinates", disease, percentage
    case isActive = "is_active", isDeleted = "is_deleted"
}

extension Image {
    /// The image after `update`, and the fields whose value actually changed. When nothing
    /// changed the image is returned as it was: no new version, no new `updated_at`.
    ///
    /// `updated_at` is the later of `time` and the record's last change plus 1 ms (the
    /// precision of every store), so it increases strictly with the version: the stores apply
    /// this under the record's lock or version check, so two racing writers, or one whose clock
    /// is behind, still leave LIMS-format consumers (which order by `updated_at`) the order the
    /// changes committed in.
    public func applying(_ update: ImageUpdate, at time: Timestamp) -> (image: Image, changed: [ImageField]) {
        var next = self
        var changed: [ImageField] = []
        func set<T: Equatable>(_ path: WritableKeyPath<Image, T>, _ value: T?, _ field: ImageField) {
            guard let value, next[keyPath: path] != value else { return }
            next[keyPath: path] = value
            changed.append(field)
        }
        set(\.cameraID, update.cameraID, .cameraID)
        set(\.gpsCoordinates, update.gpsCoordinates, .gpsCoordinates)
        if let disease = update.disease, next.disease != disease { next.disease = disease; changed.append(.disease) }
        if let percentage = update.percentage, next.percentage != percentage { next.percentage = percentage; changed.append(.percentage) }
        set(\.isActive, update.isActive, .isActive)
        set(\.isDeleted, update.isDeleted, .isDeleted)
        guard !changed.isEmpty else { return (self, []) }
        let (afterLast, overflow) = lastChangedAt.millisecondsSinceEpoch.addingReportingOverflow(1)
        next.updatedAt = overflow ? lastChangedAt : Swift.max(time, Timestamp(millisecondsSinceEpoch: afterLast))
        next.version += 1
        return (next, changed)
    }

    /// The image soft-deleted at `time` (LIMS: `is_deleted` true and a new `updated_at`), or
    /// unchanged if it already was.
    public func softDeleted(at time: Timestamp) -> (image: Image, changed: [ImageField]) {
        applying(ImageUpdate(id: id, isDeleted: true), at: time)
    }
}
