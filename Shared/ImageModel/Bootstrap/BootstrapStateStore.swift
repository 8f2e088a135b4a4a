/// Where the bootstrap of a consumer DB keeps its progress: in that consumer DB, so the
/// progress lives and dies (and is restored from a backup) with the records it describes, and a
/// killed bootstrap resumes where its last page was stored.
public protocol BootstrapStateStore: Sendable {
    /// The state the bootstrap for consumer group `group` last stored (its own text format), nil
    /// if none was.
    func bootstrapState(group: String) async throws(ImageError) -> String?
    /// Stores `state` as `group`'s, replacing the previous one.
    func setBootstrapState(_ state: String, group: String) async throws(ImageError)
}
