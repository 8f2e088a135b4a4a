import Glibc
import Sockets
import Testing

/// `EventLoop.waitUntilReadable` over a socket pair: a task on the loop resumes when the other
/// end writes, and fails rather than hangs when the loop stops.
@Suite("EventLoop: waiting for a foreign descriptor")
struct EventLoopReadinessTests {
    @Test func aTaskOnTheLoopResumesWhenTheDescriptorBecomesReadable() async throws {
        try await withSocketPair { ours, theirs in
            let loop = try EventLoop()
            try loop.start()
            defer { loop.stop() }
            let wait = Task(executorPreference: loop) {
                #expect(EventLoop.current === loop)
                try await loop.waitUntilReadable(ours)
                var byte: UInt8 = 0
                return read(ours, &byte, 1)
            }
            var byte: UInt8 = 42
            #expect(write(theirs, &byte, 1) == 1)
            #expect(try await wait.value == 1)
        }
    }

    @Test func aWaitFailsWhenTheLoopStops() async throws {
        try await withSocketPair { ours, _ in
            let loop = try EventLoop()
            try loop.start()
            let wait = Task(executorPreference: loop) { try await loop.waitUntilReadable(ours) }
            try await Task.sleep(for: .milliseconds(50))
            loop.stop()
            let error = await #expect(throws: SocketError.self) { try await wait.value }
            #expect(error?.code == ECANCELED)
        }
    }

    @Test func noLoopIsCurrentOffItsThread() {
        #expect(EventLoop.current == nil)
    }

    private func withSocketPair(_ body: (Int32, Int32) async throws -> Void) async throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { fds.forEach { _ = close($0) } }
        try await body(fds[0], fds[1])
    }
}
