import ImageModel
import ImageStores
import TestSupport
import Testing

/// Every store as the consumer DB keeps a bootstrap's progress the same way: per group, replaced
/// whole, kept across migrations, removed with the records. Against the real servers.
@Suite struct BootstrapStateContractTests {
    static let stores = TestStore.allCases

    @Test(arguments: stores) func aStateIsKeptPerGroupUntilReplacedOrRemoved(store: TestStore) async throws {
        try await store.withRepository { repository in
            // Any text comes back byte for byte: quotes, a NUL-free control, non-ASCII, 1 MB.
            let (first, second, large) = (#"{"a":"it's \"quoted\" \t é 🥔"}"#, "{}", String(repeating: "x", count: 1 << 20))
            #expect(try await repository.bootstrapState(group: "g") == nil)
            try await repository.setBootstrapState(first, group: "g")
            try await repository.setBootstrapState(large, group: "g'; DROP TABLE images; --")
            #expect(try await repository.bootstrapState(group: "g") == first)
            try await repository.setBootstrapState(second, group: "g")
            #expect(try await repository.bootstrapState(group: "g") == second)
            #expect(try await repository.bootstrapState(group: "g'; DROP TABLE images; --") == large)
            try await repository.migrate()
            #expect(try await repository.bootstrapState(group: "g") == second)
            try await repository.removeAll()
            #expect(try await repository.bootstrapState(group: "g") == nil)
        }
    }
}
