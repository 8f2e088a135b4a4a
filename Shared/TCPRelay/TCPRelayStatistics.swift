/// A consistent snapshot of a relay's counters, taken at one instant.
public struct TCPRelayStatistics: Sendable, Hashable {
    /// Bytes relayed from clients to the target, counted as the target side accepts them.
    public var bytesUpstream: UInt64 = 0
    /// Bytes relayed from the target back to clients.
    public var bytesDownstream: UInt64 = 0
    /// Connections the listener accepted, including those it closed at once (`rejected`).
    public var connectionsAccepted: UInt64 = 0
    /// Accepted connections closed without relaying: while blocked, or when the target was
    /// unreachable.
    public var connectionsRejected: UInt64 = 0
    /// Connections being relayed now (both sockets still open).
    public var connectionsOpen: Int = 0

    public init() {}
}
