import ImageModel

extension Image {
    /// The LIMS fields in which this record and `other` differ, in `ImageField` order; doubles
    /// compare by bit pattern, as the digest hashes them. `id` is what pairs records, and our
    /// internal `version` is left out on purpose: the batch sync copies LIMS records and need
    /// not carry it, so a consumer with other versions but the same LIMS fields is in sync.
    public func differingFields(from other: Image) -> [ImageField] {
        ImageField.allCases.filter { self[$0] != other[$0] }
    }
}
