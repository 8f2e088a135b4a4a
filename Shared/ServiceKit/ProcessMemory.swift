import CMalloc

/// glibc malloc settings that keep a service's resident memory close to what it uses.
enum ProcessMemory {
    /// By default glibc gives each thread that allocates an arena of its own (up to 8 per
    /// core) and raises its mmap threshold after large frees, so memory freed after a batch of
    /// large Kafka messages stays resident. Two arenas and a fixed 64 KiB threshold (larger
    /// blocks are mapped and returned on free) cut the consumer's peak RSS by ~15 MiB under a
    /// stream of JPEG creates (docs/benchmarks.md) at no measurable throughput cost.
    /// Call before the process starts its threads.
    static func limitRetainedMemory() {
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 64 * 1024)
        _ = mallopt(M_TRIM_THRESHOLD, 256 * 1024)
    }
}
