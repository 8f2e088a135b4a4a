import HTTP
import ImageModel

/// A list answer (`{"image_list":[...],"total_images":N}`) in pieces of one page each, read
/// from the store as the connection asks for them: a 1,000-image list of large JPEGs is ~40 MB
/// of JSON, which sixteen readers at once would otherwise hold in memory together. A page is
/// `pageSize` records (~1 MB of JSON with LIMS-sized JPEGs); concurrent page reads are bounded
/// by the store's pool. Pages continue from the last id sent, so a record created meanwhile
/// may appear and `total_images` is counted once, with the first page, as one read of a
/// changing table would give.
actor ListPages {
    static let pageSize = 25

    private let repository: any ImageRepository
    private let plant: Plant
    private let filter: ImageFilter
    private var remaining: Int
    private let total: Int64
    private var page: [Image]?
    private var nextID: Int64?
    private var started = false
    private var finished = false

    init(repository: any ImageRepository, plant: Plant, filter: ImageFilter, limit: Int, first: (images: [Image], total: Int64)) {
        self.repository = repository
        self.plant = plant
        self.filter = filter
        remaining = limit
        total = first.total
        page = first.images
    }

    /// The next piece: the opening and the first page, each later page, then the closing; nil
    /// after it.
    func next() async throws -> [UInt8]? {
        if finished { return nil }
        var piece: [UInt8] = started ? [] : Array(#"{"image_list":["#.utf8)
        let images: [Image]
        if let page {
            images = page
            self.page = nil
        } else if remaining > 0, let nextID {
            images = try await repository.listPage(plant: plant, fromID: nextID, limit: min(remaining, Self.pageSize), filter: filter)
        } else {
            images = []
        }
        for (index, image) in images.enumerated() {
            if started || index > 0 { piece.append(UInt8(ascii: ",")) }
            piece += image.jsonBytes
        }
        started = true
        remaining -= images.count
        // A short page is the last one; so is an id that cannot grow further.
        let (after, overflow) = (images.last?.id ?? 0).addingReportingOverflow(1)
        nextID = images.count == Self.pageSize && !overflow ? after : nil
        if nextID == nil || remaining <= 0 {
            piece += Array(#"],"total_images":\#(total)}"#.utf8)
            finished = true
        }
        return piece
    }
}
