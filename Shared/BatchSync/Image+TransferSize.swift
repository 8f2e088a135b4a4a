import ImageModel

extension Image {
    /// The bytes of the record's LIMS image JSON (`jsonBytes`: every field, `data` as hex), the
    /// unit of `db_synchronization_job_image_size`: what LIMS sent per record, and what the
    /// stream sync sends for a create. Computed without writing the hex: it is exactly two
    /// characters per byte of `data`.
    var transferSize: Int {
        var metadata = self
        metadata.data = []
        return metadata.jsonBytes.count + 2 * data.count
    }
}
