import Foundation
import Postgres
import TestSupport
import Testing

@Suite("PostgreSQL pool")
struct PostgresPoolTests {
    @Test func twoHundredConcurrentQueriesShareFourConnections() async throws {
        try await TestDatabase.withPool(size: 4) { pool in
            let results = try await withThrowingTaskGroup(of: (Int64, Int32).self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let value = try connection.query("SELECT $1::bigint * 2 FROM pg_sleep(0.001)", [.int64(Int64(i))]).scalar(Int64.self)
                            return (value, connection.backendPID)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.map(\.0).sorted() == (0..<200).map { Int64($0) * 2 })
            #expect(Set(results.map(\.1)).count <= 4)
        }
    }

    @Test func thePoolReconnectsAfterItsBackendsAreTerminated() async throws {
        try await TestDatabase.withPool(size: 4) { pool in
            let oldPIDs = try await backendPIDs(of: pool)
            #expect(oldPIDs.count == 4)
            try await TestDatabase.withPool(size: 1) { admin in
                try await admin.withConnection { connection in
                    for pid in oldPIDs {
                        try connection.query("SELECT pg_terminate_backend($1::int4)", [.int64(Int64(pid))])
                    }
                    // pg_terminate_backend only signals: wait until the backends have exited.
                    for _ in 0..<100 {
                        let alive = try connection.query("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::text::int4[])",
                                                         [.text("{\(oldPIDs.map(String.init).joined(separator: ","))}")]).scalar(Int64.self)
                        if alive == 0 { break }
                        usleep(20_000)
                    }
                }
            }
            let newPIDs = try await backendPIDs(of: pool)
            #expect(newPIDs.isDisjoint(with: oldPIDs))
            #expect(try await pool.withConnection { try $0.query("SELECT 1").scalar(Int64.self) } == 1)
        }
    }

    @Test func aConnectionKilledDuringAStatementFailsThatStatementOnly() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let pid = try await pool.withConnection { $0.backendPID }
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("SELECT pg_terminate_backend(pg_backend_pid())") }
            }
            #expect(error?.code == .connection)
            #expect(error?.isConnectionFailure == true)
            let newPID = try await pool.withConnection { $0.backendPID }
            #expect(newPID != pid)
        }
    }

    @Test func anUnreachableServerIsAConnectionFailure() async throws {
        let pool = try PostgresPool(url: "postgres://app@127.0.0.1:1/appdb", size: 2, logger: TestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        #expect(error?.code == .connection)
        #expect(error?.isConnectionFailure == true)
        #expect(error?.message.contains("127.0.0.1") == true)
        await pool.close()
    }

    @Test func aClosedPoolRefusesWork() async throws {
        let pool = try TestDatabase.makePool(size: 1)
        try await pool.withConnection { try $0.query("SELECT 1") }
        await pool.close()
        await #expect(throws: PostgresError(code: .closed, message: "the PostgreSQL pool is closed")) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
    }

    @Test func aCancelledWaiterStopsWaiting() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            // The only connection stays busy until the waiter has been cancelled and has failed.
            let holding = DispatchSemaphore(value: 0)
            let finish = DispatchSemaphore(value: 0)
            async let busy: Void = pool.withConnection { _ in
                holding.signal()
                finish.wait()
            }
            try await waitUntil("the busy task holds the connection") { holding.wait(timeout: .now()) == .success }
            let waiter = Task { try await pool.withConnection { try $0.query("SELECT 1").scalar(Int64.self) } }
            try await waitUntil("the waiter queues for the busy connection") { pool.waitingCount == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(pool.waitingCount == 0)
            finish.signal()
            try await busy
            #expect(try await pool.withConnection { try $0.query("SELECT 3").scalar(Int64.self) } == 3)
        }
    }

    /// The backends of all the pool's connections, opened by holding every connection at once.
    private func backendPIDs(of pool: PostgresPool) async throws -> Set<Int32> {
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<pool.size {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT pg_sleep(0.2)")
                        return connection.backendPID
                    }
                }
            }
            return try await group.reduce(into: []) { $0.insert($1) }
        }
    }
}
