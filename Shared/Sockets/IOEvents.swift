/// Readiness events of a descriptor, as epoll reports them, plus the edge-triggered flag used
/// when registering.
public struct IOEvents: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Data (or a pending connection) can be read.
    public static let readable = IOEvents(rawValue: Epoll.in)
    /// The send buffer has room.
    public static let writable = IOEvents(rawValue: Epoll.out)
    /// The peer shut down its writing side (we will read EOF after the buffered data).
    public static let readHangup = IOEvents(rawValue: Epoll.rdhup)
    /// Both directions are closed.
    public static let hangup = IOEvents(rawValue: Epoll.hup)
    /// An error is pending on the descriptor; the next read or write reports it.
    public static let error = IOEvents(rawValue: Epoll.err)
    /// Registration only: report transitions, not levels, so a busy connection is not woken
    /// again and again for data it has chosen not to read yet.
    public static let edgeTriggered = IOEvents(rawValue: Epoll.edgeTriggered)
}

/// Something registered with an `EventLoop` that reacts to readiness of its descriptor.
///
/// Called on the loop's thread only.
public protocol EventHandler: AnyObject {
    /// Handles the events epoll reported for the handler's descriptor.
    func handleEvents(_ events: IOEvents)
}
