import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// The epoll and eventfd calls the event loop uses, from <sys/epoll.h> and <sys/eventfd.h>
/// through the `CEpoll` system module (Swift's Glibc module map leaves those headers out).
enum Epoll {
    static let `in` = EPOLLIN.rawValue
    static let out = EPOLLOUT.rawValue
    static let err = EPOLLERR.rawValue
    static let hup = EPOLLHUP.rawValue
    static let rdhup = EPOLLRDHUP.rawValue
    static let edgeTriggered = EPOLLET.rawValue
    static let add = EPOLL_CTL_ADD
    static let delete = EPOLL_CTL_DEL
    /// EPOLL_CLOEXEC and EFD_CLOEXEC are O_CLOEXEC; EFD_NONBLOCK is O_NONBLOCK.
    static let closeOnExec = Int32(O_CLOEXEC)
    static let nonBlocking = Int32(O_NONBLOCK)

    /// `struct epoll_event` is packed on x86-64 (12 bytes); the importer keeps that layout.
    static let eventStride = MemoryLayout<epoll_event>.stride

    static func create(_ flags: Int32) -> Int32 { epoll_create1(flags) }

    static func eventFD(_ initialValue: UInt32, _ flags: Int32) -> Int32 { eventfd(initialValue, flags) }

    static func wait(_ epoll: Int32, _ buffer: UnsafeMutableRawPointer, _ capacity: Int32, _ timeout: Int32) -> Int32 {
        epoll_wait(epoll, buffer.assumingMemoryBound(to: epoll_event.self), capacity, timeout)
    }

    /// Reads the events mask and data word of the `index`th record of an `epoll_wait` buffer.
    static func event(at index: Int, in buffer: UnsafeMutableRawPointer) -> (events: UInt32, data: UInt64) {
        let record = buffer.assumingMemoryBound(to: epoll_event.self)[index]
        return (record.events, record.data.u64)
    }

    /// Calls `epoll_ctl` with an event record built from `events` and `data`.
    static func control(_ epoll: Int32, _ operation: Int32, _ fd: Int32, events: UInt32, data: UInt64) -> Int32 {
        var record = epoll_event()
        record.events = events
        record.data.u64 = data
        return epoll_ctl(epoll, operation, fd, &record)
    }

    /// Removes `fd` from the interest list.
    static func remove(_ epoll: Int32, _ fd: Int32) -> Int32 { epoll_ctl(epoll, delete, fd, nil) }
}
