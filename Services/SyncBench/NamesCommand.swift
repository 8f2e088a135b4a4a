import ArgumentParser
import ImageModel
import ImageStores
import StreamSync

/// `sync-bench names`: the names scripts would otherwise spell out, printed from the code that
/// defines them, so a new plant or column reaches the scripts without an edit.
struct NamesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "names",
        abstract: "Print the plants, their topics or MongoDB collections, or the PostgreSQL image columns, space-separated.",
        discussion: "plants: potato tomato pepper. topics: the plant topics with --prefix. collections: the MongoDB collections of the plants. columns: the images table's columns, comma-separated, plant first (for COPY).")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case plants, topics, collections, columns
    }

    @Argument(help: "plants, topics, collections or columns.")
    var kind: Kind

    @Option(help: "Prefix of the topics (as --topic-prefix).")
    var prefix = ""

    func run() {
        let plants = Plant.allCases
        let names = switch kind {
        case .plants: plants.map(\.rawValue).joined(separator: " ")
        case .topics: SyncTopics(prefix: prefix).plantTopics.joined(separator: " ")
        case .collections: plants.map(\.collectionName).joined(separator: " ")
        case .columns: (["plant"] + PostgresImageRepository.columnNames).joined(separator: ", ")
        }
        print(names)
    }
}
