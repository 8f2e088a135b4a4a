/// The optional flags of `random` and the paged list.
public struct ImageFilter: Sendable, Hashable {
    public var isActive: Bool?
    /// True: `disease` is set; false: no diagnosis yet.
    public var hasDisease: Bool?
    /// Our extension; LIMS did not filter deleted images out, so nil (no filter) is the default.
    public var isDeleted: Bool?

    public init(isActive: Bool? = nil, hasDisease: Bool? = nil, isDeleted: Bool? = nil) {
        self.isActive = isActive
        self.hasDisease = hasDisease
        self.isDeleted = isDeleted
    }

    public func matches(_ image: Image) -> Bool {
        (isActive.map { $0 == image.isActive } ?? true)
            && (hasDisease.map { $0 == (image.disease != nil) } ?? true)
            && (isDeleted.map { $0 == image.isDeleted } ?? true)
    }
}
