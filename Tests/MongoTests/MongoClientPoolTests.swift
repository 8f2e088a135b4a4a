import Foundation
import Mongo
import Synchronization
import Testing

@Suite struct MongoClientPoolTests {
    @Test func pingAnswersAndCommandsReturnTheReply() async throws {
        try await MongoTestServer.withDatabase { pool, _ in
            try await pool.withClient { try $0.ping() }
            let reply = try await pool.withClient { try $0.runCommand(["ping": .int32(1)], database: "admin") }
            #expect(try reply.double("ok") == 1)
        }
    }

    @Test func databaseNameComesFromTheURLPath() throws {
        let named = try MongoClientPool(url: "mongodb://127.0.0.1:1/imagedbplantproducer", logger: MongoTestServer.logger)
        #expect(named.databaseName == "imagedbplantproducer")
        let unnamed = try MongoClientPool(url: "mongodb://127.0.0.1:1", logger: MongoTestServer.logger)
        #expect(unnamed.databaseName == nil)
    }

    @Test func retryableWritesAreOnUnlessTurnedOffAndTheURLWins() throws {
        let url = "mongodb://127.0.0.1:1/db"
        #expect(try MongoClientPool(url: url, logger: MongoTestServer.logger).retriesWrites)
        #expect(try !MongoClientPool(url: url, retryableWrites: false, logger: MongoTestServer.logger).retriesWrites)
        #expect(try MongoClientPool(url: url + "?retryWrites=true", retryableWrites: false, logger: MongoTestServer.logger).retriesWrites)
        #expect(try !MongoClientPool(url: url + "?retryWrites=false", logger: MongoTestServer.logger).retriesWrites)
        #expect { try MongoClientPool(url: url + "?retryWrites=banana", retryableWrites: false, logger: MongoTestServer.logger) } throws: {
            ($0 as? MongoError)?.code == .invalidURI
        }
    }

    @Test func malformedURLIsRejected() {
        #expect { try MongoClientPool(url: "http://127.0.0.1:27018", logger: MongoTestServer.logger) } throws: {
            ($0 as? MongoError)?.code == .invalidURI
        }
    }

    @Test func unreachablePortFailsFastAsConnectionFailure() async throws {
        // Creating the pool does not connect, so it succeeds with no server there.
        let pool = try MongoClientPool(url: "mongodb://127.0.0.1:1/unreachable", logger: MongoTestServer.logger)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await pool.withClient { try $0.ping() }
            Issue.record("ping to port 1 succeeded")
        } catch let error as MongoError {
            #expect(error.isConnectionFailure, "\(error)")
        }
        #expect(clock.now - start < .seconds(5))
        await pool.close()
    }

    @Test func moreOperationsThanClientsWaitTheirTurn() async throws {
        try await MongoTestServer.withDatabase(poolSize: 2) { pool, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { try await pool.withClient { try $0.ping() } } }
                try await group.waitForAll()
            }
        }
    }

    @Test func operationsHandedToALaneRunOneAtATimeBesideTheOthers() async throws {
        try await MongoTestServer.withDatabase(poolSize: 4) { pool, _ in
            let lane = MongoLane(label: "leafsync.tests.lane")
            let running = Running()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    let queued = index % 2 == 0
                    group.addTask {
                        try await pool.withClient(queuedOn: queued ? lane : nil) { client in
                            running.counts.withLock {
                                $0.now += 1
                                $0.most = max($0.most, $0.now)
                                if queued { $0.laneNow += 1; $0.laneMost = max($0.laneMost, $0.laneNow) }
                            }
                            defer { running.counts.withLock { $0.now -= 1; if queued { $0.laneNow -= 1 } } }
                            // Long enough for the others to be handed over meanwhile.
                            _ = try client.runCommand(["ping": .int32(1)], database: "admin")
                            Thread.sleep(forTimeInterval: 0.02)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = running.counts.withLock { $0 }
            #expect(seen.laneMost == 1, "two operations of one lane ran at once")
            #expect(seen.most > 1, "the lane held back the operations handed to no lane")
            #expect(seen.now == 0)
        }
    }

    @Test func closeRefusesLaterOperations() async throws {
        let pool = try MongoClientPool(url: MongoTestServer.url(), logger: MongoTestServer.logger)
        try await pool.withClient { try $0.ping() }
        await pool.close()
        await pool.close()
        await #expect { try await pool.withClient { try $0.ping() } } throws: { ($0 as? MongoError)?.code == .closed }
    }
}

/// How many operations run at once, in all and of the lane.
private final class Running: Sendable {
    let counts = Mutex((now: 0, most: 0, laneNow: 0, laneMost: 0))
}
