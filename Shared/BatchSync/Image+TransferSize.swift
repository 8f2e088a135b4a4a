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

    /// The record with `data` as bytes: its metadata as JSON plus the JPEG itself, the unit of
    /// `db_synchronization_job_stored_bytes_written_total`. Close to what libpq and BSON carry
    /// per record (they carry the JPEG raw), where `transferSize` counts it twice over as hex.
    var storedSize: Int { transferSize - data.count }
}
