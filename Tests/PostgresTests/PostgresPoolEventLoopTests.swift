import Postgres
import Sockets
import Testing

/// `PostgresPool.query` from tasks on an event loop, given that loop: prepared statements run on
/// it (the first run of each prepares it on the connection's queue).
@Suite("PostgreSQL pool on an event loop")
struct PostgresPoolEventLoopTests {
    @Test func concurrentStatementsOnALoopShareTwoConnections() async throws {
        try await withLoop { loop in
            try await TestDatabase.withPool(size: 2) { pool in
                let values = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for i in 0..<100 {
                        group.addTask(executorPreference: loop) {
                            try await pool.query("SELECT $1::bigint * 2 FROM pg_sleep(0.001)", [.int64(Int64(i))], prepared: true, waitingOn: loop)
                                .scalar(Int64.self)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(values.sorted() == (0..<100).map { Int64($0) * 2 })
            }
        }
    }

    @Test func aFailedStatementOnTheLoopLeavesTheConnectionUsable() async throws {
        try await withLoop { loop in
            try await TestDatabase.withPool(size: 1) { pool in
                let divide = "SELECT 1 / $1::int8"
                try await Task(executorPreference: loop) { () async throws in
                    #expect(try await pool.query(divide, [.int64(1)], prepared: true, waitingOn: loop).scalar(Int64.self) == 1)
                    let error = await #expect(throws: PostgresError.self) {
                        try await pool.query(divide, [.int64(0)], prepared: true, waitingOn: loop)
                    }
                    #expect(error?.code == .query)
                    #expect(error?.sqlState == "22012")
                    #expect(try await pool.query(divide, [.int64(2)], prepared: true, waitingOn: loop).scalar(Int64.self) == 0)
                }.value
            }
        }
    }

    @Test func aConnectionKilledDuringAStatementOnTheLoopIsReplaced() async throws {
        try await withLoop { loop in
            try await TestDatabase.withPool(size: 1) { pool in
                let terminate = "SELECT pg_terminate_backend($1::int4)"
                try await Task(executorPreference: loop) { () async throws in
                    let pid = try await pool.query("SELECT pg_backend_pid()::int8 + $1::int8", [.int64(0)], prepared: true, waitingOn: loop)
                        .scalar(Int64.self)
                    // The first run (no such backend) prepares the statement; the second runs on the loop.
                    #expect(try await pool.query(terminate, [.int64(0)], prepared: true, waitingOn: loop).scalar(Bool.self) == false)
                    let error = await #expect(throws: PostgresError.self) {
                        try await pool.query(terminate, [.int64(pid)], prepared: true, waitingOn: loop)
                    }
                    #expect(error?.isConnectionFailure == true)
                    let newPID = try await pool.query("SELECT pg_backend_pid()::int8 + $1::int8", [.int64(0)], prepared: true, waitingOn: loop)
                        .scalar(Int64.self)
                    #expect(newPID != pid)
                }.value
            }
        }
    }

    private func withLoop<T>(_ body: (EventLoop) async throws -> T) async throws -> T {
        let loop = try EventLoop()
        try loop.start()
        defer { loop.stop() }
        return try await body(loop)
    }
}
