import ExperimentModel
import TCPRelay

extension Experiment {
    /// For every relay, the kernel's own byte counters of the sockets it accepted on each of its
    /// ports (`ss -tin`):
    /// `bytes_received` is what the clients sent (up), `bytes_sent` what they were sent (down).
    /// The kernel forgets a socket once it is closed, so the count is complete only while every
    /// connection the relay accepted is still open; `connectionsClosed` says how many were not.
    func kernelCounts(_ topology: Topology) async throws -> [String: ExperimentResults.KernelCount] {
        var counts: [String: ExperimentResults.KernelCount] = [:]
        for (name, relay) in topology.relays {
            guard let count = try await kernelCount(relay: relay) else { continue }
            counts[name] = count
        }
        return counts
    }

    /// Reads `ss` between two readings of the relay, until they are equal (no byte moved
    /// meanwhile) or for 3 s; then pairs it with their midpoint.
    private func kernelCount(relay: any CountingRelay) async throws -> ExperimentResults.KernelCount? {
        var best: ExperimentResults.KernelCount?
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let before = relay.statistics
            let perPort = relay.listeningPorts.compactMap(Self.socketCounters)
            guard !perPort.isEmpty else { return nil }
            let sockets = perPort.reduce(into: (received: UInt64(0), sent: UInt64(0), count: 0)) { sum, one in
                sum = (sum.received + one.received, sum.sent + one.sent, sum.count + one.count)
            }
            let after = relay.statistics
            let relayUp = (before.bytesUpstream + after.bytesUpstream) / 2
            let relayDown = (before.bytesDownstream + after.bytesDownstream) / 2
            let kernel = Double(sockets.received + sockets.sent)
            let count = ExperimentResults.KernelCount(
                bytesUp: sockets.received, bytesDown: sockets.sent, sockets: sockets.count,
                connectionsClosed: Int(after.connectionsAccepted - after.connectionsRejected) - after.connectionsOpen,
                relayBytesUp: relayUp, relayBytesDown: relayDown,
                deviation: kernel > 0 ? abs(Double(relayUp + relayDown) - kernel) / kernel : 0,
                bracketBytes: (after.bytesUpstream + after.bytesDownstream) - (before.bytesUpstream + before.bytesDownstream))
            if best == nil || count.bracketBytes < best!.bracketBytes { best = count }
            if count.bracketBytes == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return best
    }

    /// Sums `bytes_received` and `bytes_sent` over the TCP sockets whose local port is `localPort`;
    /// nil when `ss` cannot be run.
    static func socketCounters(localPort: UInt16) -> (received: UInt64, sent: UInt64, count: Int)? {
        // Empty output (no socket) reads as nil too: then there is nothing to compare either.
        guard let text = RunEnvironment.output(of: ["ss", "-tinH", "( sport = :\(localPort) )"]) else { return nil }
        var received: UInt64 = 0, sent: UInt64 = 0, count = 0
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if token.hasPrefix("bytes_received:") {
                received += UInt64(token.dropFirst("bytes_received:".count)) ?? 0
            } else if token.hasPrefix("bytes_sent:") {
                sent += UInt64(token.dropFirst("bytes_sent:".count)) ?? 0
            } else if token == "127.0.0.1:\(localPort)" {
                count += 1
            }
        }
        return (received, sent, count)
    }
}
