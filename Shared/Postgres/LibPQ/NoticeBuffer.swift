import CLibPQ

/// Notices and warnings the server sent (`NOTICE: relation exists, skipping`, or the
/// `FATAL` a backend sends before it closes the session), collected by libpq's notice
/// callback so Swift code can log them instead of libpq printing them to stderr.
final class NoticeBuffer {
    struct Notice {
        /// Not localized: `WARNING`, `NOTICE`, `FATAL`...
        let severity: String
        let sqlState: String?
        let message: String

        /// The server is about to close the session (shutdown, `pg_terminate_backend`).
        var endsSession: Bool { severity == "FATAL" || severity == "PANIC" }
    }

    // Not locked: libpq calls the receiver synchronously inside a libpq call on the thread
    // that made it, which is the connection's queue, the only place `drain` runs too.
    fileprivate var notices: [Notice] = []

    /// Installs the receiver on `connection`. The buffer is passed unretained: the owning
    /// `PostgresConnection` keeps it alive and calls `PQfinish` (after which libpq never calls
    /// back) before the buffer is released.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(connection, receiveNotice, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The notices received since the last call.
    func drain() -> [Notice] {
        defer { notices.removeAll(keepingCapacity: true) }
        return notices
    }
}

/// libpq's `PQnoticeReceiver`. The PGresult belongs to libpq, which frees it after the call:
/// only copies leave this function.
private func receiveNotice(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let buffer = Unmanaged<NoticeBuffer>.fromOpaque(context).takeUnretainedValue()
    func field(_ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
    buffer.notices.append(NoticeBuffer.Notice(severity: field(DiagnosticField.severity) ?? "NOTICE",
                                              sqlState: field(DiagnosticField.sqlState),
                                              message: field(DiagnosticField.primaryMessage) ?? ""))
}
