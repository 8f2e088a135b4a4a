import ImageModel
import Testing

/// `sync-bench names`, what the scripts read instead of spelling out plants, topics,
/// collections and columns.
@Suite struct NamesCommandTests {
    static func names(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ServiceProcess("sync-bench", ["names"] + arguments)
        let status = try await process.waitForExit()
        return (status, process.log.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func theScriptsGetTheNamesTheCodeUses() async throws {
        #expect(try await Self.names(["plants"]) == (0, Plant.allCases.map(\.rawValue).joined(separator: " ")))
        #expect(try await Self.names(["topics", "--prefix", "run-7-"]) == (0, "run-7-potato run-7-tomato run-7-pepper"))
        #expect(try await Self.names(["collections"]) == (0, Plant.allCases.map(\.collectionName).joined(separator: " ")))
        let columns = try await Self.names(["columns"])
        #expect(columns.status == 0 && columns.output.hasPrefix("plant, id, camera_id, data, latitude, longitude, "))
        #expect(columns.output.split(separator: ",").count == 2 + ImageField.allCases.count + 2, "plant, id, two for the GPS, version")
        #expect(try await Self.names(["tables"]).status != 0)
    }
}
