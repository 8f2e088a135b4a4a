import ImageModel

/// Walks one plant of a repository in ascending id order, one page in memory at a time.
struct PageCursor {
    private let repository: any ImageRepository
    private let plant: Plant
    private let pageSize: Int
    private var page: [Image] = []
    private var index = 0
    /// The id the next page starts at; nil once the last page has been read.
    private var nextFromID: Int64? = 1

    init(repository: any ImageRepository, plant: Plant, pageSize: Int) {
        self.repository = repository
        self.plant = plant
        self.pageSize = pageSize
    }

    /// The current record without consuming it, or nil at the end; reads the next page when
    /// the current one is used up.
    mutating func peek() async throws -> Image? {
        while index == page.count {
            guard let fromID = nextFromID else { return nil }
            page = try await repository.list(plant: plant, fromID: fromID, limit: pageSize, filter: ImageFilter()).images
            index = 0
            // A short page is the last one; `Int64.max` has no successor to start from.
            if page.count < pageSize { nextFromID = nil }
            else if let last = page.last?.id { nextFromID = last == .max ? nil : last + 1 }
        }
        return page[index]
    }

    /// Moves past the current record.
    mutating func advance() { index += 1 }
}
