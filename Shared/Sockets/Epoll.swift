#if canImport(Glibc)
import Glibc
#endif

/// The epoll and eventfd calls and constants, bound to libc at run time.
///
/// Why not `import Glibc`: Swift's Glibc module map leaves out <sys/epoll.h> and
/// <sys/eventfd.h>, and this module may not have a C shim target. The functions are looked up in
/// the already loaded libc and called through `@convention(c)` types with their exact C
/// signatures, so they get the C calling convention (which `@_silgen_name` would not promise).
/// The constants are Linux ABI values from those headers.
enum Epoll {
    typealias CreateFunction = @convention(c) (Int32) -> Int32
    typealias ControlFunction = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias WaitFunction = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32

    // nonisolated(unsafe): written once by the lazy static initializer (swift_once), read-only after.
    nonisolated(unsafe) static let create: CreateFunction = symbol("epoll_create1")
    nonisolated(unsafe) static let control: ControlFunction = symbol("epoll_ctl")
    nonisolated(unsafe) static let wait: WaitFunction = symbol("epoll_wait")
    nonisolated(unsafe) static let eventFD: EventFDFunction = symbol("eventfd")

    static let `in`: UInt32 = 0x001
    static let out: UInt32 = 0x004
    static let err: UInt32 = 0x008
    static let hup: UInt32 = 0x010
    static let rdhup: UInt32 = 0x2000
    static let edgeTriggered: UInt32 = 1 << 31
    static let add: Int32 = 1
    static let delete: Int32 = 2
    /// EPOLL_CLOEXEC and EFD_CLOEXEC are O_CLOEXEC; EFD_NONBLOCK is O_NONBLOCK.
    static let closeOnExec = Int32(O_CLOEXEC)
    static let nonBlocking = Int32(O_NONBLOCK)

    /// `struct epoll_event` is packed on x86-64 (12 bytes) and naturally aligned elsewhere.
    #if arch(x86_64)
    static let eventStride = 12
    static let dataOffset = 4
    #else
    static let eventStride = 16
    static let dataOffset = 8
    #endif

    /// Reads the events mask and data word of the `index`th record of an `epoll_wait` buffer.
    static func event(at index: Int, in buffer: UnsafeMutableRawPointer) -> (events: UInt32, data: UInt64) {
        let record = buffer + index * eventStride
        return (record.loadUnaligned(as: UInt32.self),
                record.loadUnaligned(fromByteOffset: dataOffset, as: UInt64.self))
    }

    /// Calls `epoll_ctl` with an event record built from `events` and `data`.
    static func control(_ epoll: Int32, _ operation: Int32, _ fd: Int32, events: UInt32, data: UInt64) -> Int32 {
        withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { record in
            record.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            record.storeBytes(of: data, toByteOffset: dataOffset, as: UInt64.self)
            return control(epoll, operation, fd, record.baseAddress)
        }
    }

    private static func symbol<Function>(_ name: String) -> Function {
        // dlopen(nil) is the global symbol scope of the process, which includes libc.
        guard let scope = dlopen(nil, RTLD_NOW), let address = dlsym(scope, name) else {
            fatalError("libc has no \(name); this module needs Linux")
        }
        return unsafeBitCast(address, to: Function.self)
    }
}
