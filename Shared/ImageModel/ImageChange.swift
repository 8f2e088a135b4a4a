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
        for field in ImageField.updatable {
            guard let value = update.values[field], next[field] != value else { continue }
            next[field] = value
            changed.append(field)
        }
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
