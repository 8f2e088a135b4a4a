import Foundation
import Logging
import Postgres
@testable import TCPRelay
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Serialized: the descriptor and thread checks look at the whole process, and no other suite
/// starts relay threads, so only this suite's own tests could disturb them.
@Suite("TCP relay: counting, half-close, outages, clean stop", .serialized)
struct TCPRelayTests {
    static let logger = Logger(label: "leafsync.tests.tcprelay")

    /// Runs `body` with an echo server and a started relay in front of it, stopping both after.
    private func withEchoRelay(_ body: (TCPRelay, EchoServer, UInt16) async throws -> Void) async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: echo.port, logger: Self.logger)
        let port = try relay.start()
        defer { relay.stop() }
        try await body(relay, echo, port)
    }

    private static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
    }

    @Test func bytesFlowBothWaysAndAreCountedExactly() async throws {
        try await withEchoRelay { relay, _, port in
            let client = try TestClient(port: port)
            defer { client.close() }
            var sent = 0
            for round in 0..<10 {
                let chunk = Self.pattern(10_000 + round, seed: round)
                try client.send(chunk)
                #expect(client.read(count: chunk.count) == chunk)
                sent += chunk.count
            }
            client.shutdownWrite()
            #expect(client.readToEnd() == EchoServer.trailer)

            try await waitUntil("relay.connectionsOpen == 0", timeout: .seconds(5)) { relay.connectionsOpen == 0 }
            let statistics = relay.statistics
            #expect(statistics.bytesUpstream == UInt64(sent))
            #expect(statistics.bytesDownstream == UInt64(sent + EchoServer.trailer.count))
            #expect(statistics.connectionsAccepted == 1)
            #expect(statistics.connectionsRejected == 0)
        }
    }

    @Test func concurrentConnectionsAreRelayedIndependently() async throws {
        try await withEchoRelay { relay, _, port in
            let clients = try (0..<4).map { _ in try TestClient(port: port) }
            defer { clients.forEach { $0.close() } }
            try await waitUntil("relay.connectionsOpen == 4", timeout: .seconds(5)) { relay.connectionsOpen == 4 }
            for (index, client) in clients.enumerated() {
                try client.send(Self.pattern(1_000 * (index + 1), seed: index))
            }
            for (index, client) in clients.enumerated().reversed() {
                #expect(client.read(count: 1_000 * (index + 1)) == Self.pattern(1_000 * (index + 1), seed: index))
            }
            // A direction counts right after its send returns, which may be just after the
            // peer has the bytes; hence waiting.
            try await waitUntil("relay.bytesUpstream == 10_000 && relay.bytesDownstream == 10_000", timeout: .seconds(5)) { relay.bytesUpstream == 10_000 && relay.bytesDownstream == 10_000 }
            #expect(relay.connectionsAccepted == 4)
        }
    }

    @Test func aHalfCloseReachesTheTargetAndTheReplyStillComesBack() async throws {
        try await withEchoRelay { relay, _, port in
            let client = try TestClient(port: port)
            defer { client.close() }
            try client.send(Array("ping".utf8))
            client.shutdownWrite()
            // The echo server sends its trailer only after it has read our FIN, and it travels
            // back over the direction that is still open.
            #expect(client.readToEnd() == Array("ping".utf8) + EchoServer.trailer)
            try await waitUntil("relay.connectionsOpen == 0", timeout: .seconds(5)) { relay.connectionsOpen == 0 }
        }
    }

    @Test func blockDropsOpenConnectionsAndResetsNewOnesUntilUnblock() async throws {
        try await withEchoRelay { relay, _, port in
            let before = try TestClient(port: port)
            defer { before.close() }
            try before.send([1, 2, 3])
            #expect(before.read(count: 3) == [1, 2, 3])

            relay.block()
            relay.block()
            #expect(relay.isBlocked)
            #expect(relay.connectionsOpen == 0)
            #expect([.endOfStream, .failed(errno: ECONNRESET)].contains(before.read()))

            // The kernel completes the handshake before the relay accepts and resets, so the
            // reset shows either on connect (when it beats the client's check) or on the read.
            do {
                let during = try TestClient(port: port)
                defer { during.close() }
                try? during.send([4])
                #expect([.endOfStream, .failed(errno: ECONNRESET)].contains(during.read()))
            } catch let error as TCPRelayError {
                #expect(error.errno == ECONNRESET)
            }
            try await waitUntil("relay.statistics.connectionsRejected == 1", timeout: .seconds(5)) { relay.statistics.connectionsRejected == 1 }

            relay.unblock()
            relay.unblock()
            #expect(!relay.isBlocked)
            let after = try TestClient(port: port)
            defer { after.close() }
            try after.send([5, 6])
            #expect(after.read(count: 2) == [5, 6])
            #expect(relay.connectionsAccepted == 3)
        }
    }

    @Test func stopClosesEveryDescriptorAndEndsEveryThread() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: echo.port, logger: Self.logger)
        let port = try relay.start()
        let clients = try (0..<2).map { _ in try TestClient(port: port) }
        defer { clients.forEach { $0.close() } }
        for client in clients {
            try client.send([7])
            #expect(client.read(count: 1) == [7])
        }
        // The relay's own sockets: the listener and the accepted ones (bound to its port), and
        // those it opened to the echo server (connected to the echo port).
        #expect(ProcessInspection.sockets(localPort: port) == 3)
        #expect(ProcessInspection.sockets(peerPort: echo.port) == 2)
        #expect(ProcessInspection.threads(named: TCPRelay.threadPrefix(port: port)).count == 5)

        relay.stop()

        #expect(ProcessInspection.sockets(localPort: port) == 0)
        #expect(ProcessInspection.sockets(peerPort: echo.port) == 0)
        #expect(ProcessInspection.threads(named: TCPRelay.threadPrefix(port: port)).isEmpty)
        #expect(relay.connectionsOpen == 0)
        for client in clients {
            #expect([.endOfStream, .failed(errno: ECONNRESET)].contains(client.read()))
        }
        relay.stop()
    }

    @Test func postgresQueriesGoThroughAndAnOutageHeals() async throws {
        guard let url = ProcessInfo.processInfo.environment["LEAFSYNC_TEST_POSTGRES_URL"], !url.isEmpty,
              var components = URLComponents(string: url), let host = components.host, let serverPort = components.port
        else {
            Issue.record("LEAFSYNC_TEST_POSTGRES_URL must be set to a postgres:// URL with host and port")
            return
        }
        let relay = TCPRelay(targetHost: host, targetPort: UInt16(serverPort), logger: Self.logger)
        components.port = Int(try relay.start())
        defer { relay.stop() }
        let pool = try PostgresPool(url: try #require(components.string), size: 1, logger: Self.logger)

        #expect(try await pool.withConnection { try $0.query("SELECT 1").scalar(Int64.self) } == 1)
        #expect(relay.bytesUpstream > 0)
        #expect(relay.bytesDownstream > 0)
        #expect(relay.connectionsOpen == 1)

        relay.block()
        await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        relay.unblock()
        var healed = false
        let deadline = ContinuousClock.now + .seconds(10)
        while !healed, ContinuousClock.now < deadline {
            healed = (try? await pool.withConnection { try $0.query("SELECT 2").scalar(Int64.self) }) == 2
        }
        #expect(healed)
        await pool.close()
    }
}
