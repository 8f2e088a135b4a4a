import ImageModel

extension MongoImageRepository {
    /// An asynchronous lock: bodies run one at a time, in arrival order.
    ///
    /// An actor alone would not do: it is reentrant, so two creates could interleave at the
    /// `await` between reading `max(id)` and inserting. Here the actor only guards `isLocked`
    /// and the queue; the body runs outside it while the lock is held.
    actor CreateLock {
        private var isLocked = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func withLock<T: Sendable>(_ body: @Sendable () async throws(ImageError) -> T) async throws(ImageError) -> T {
            if isLocked {
                // unlock() hands the lock over directly, so it is ours when this resumes.
                await withCheckedContinuation { waiters.append($0) }
            } else {
                isLocked = true
            }
            defer { unlock() }
            return try await body()
        }

        private func unlock() {
            if waiters.isEmpty {
                isLocked = false
            } else {
                waiters.removeFirst().resume()
            }
        }
    }
}
