import ArgumentParser

/// `sync-bench`: the load generators of the stream sync benchmark (`scripts/bench-sync.sh`).
/// They generate traffic and print what they did; the script measures the consumer.
@main
struct SyncBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-bench",
        abstract: "Load generators for the stream sync benchmark: preload change events into Kafka, or drive image-api.",
        discussion: "Used by scripts/bench-sync.sh; figures and targets are in docs/benchmarks.md.",
        subcommands: [PreloadCommand.self, LoadCommand.self])
}
