import ArgumentParser

/// `sync-bench`: the load generators of the stream sync benchmark (`scripts/bench-sync.sh`),
/// which generate traffic and print what they did, the scripts' reader of `/metrics`, and the
/// names scripts use.
@main
struct SyncBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-bench",
        abstract: "Load generators for the stream sync benchmark (preload change events into Kafka, or drive image-api), and the scripts' /metrics reader.",
        discussion: "Used by scripts/bench-sync.sh; figures and targets are in docs/benchmarks.md.",
        subcommands: [PreloadCommand.self, LoadCommand.self, MetricsCommand.self, NamesCommand.self])
}
