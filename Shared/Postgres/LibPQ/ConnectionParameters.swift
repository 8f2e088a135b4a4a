import CLibPQ
import Foundation

/// What libpq needs to open a connection: the URL plus the settings LeafSync always wants.
struct ConnectionParameters: Sendable {
    let url: String
    let connectTimeoutSeconds: Int

    /// Checks that libpq can parse `url` (a `postgres://` URI or a `key=value` string) without
    /// connecting, so a typo fails at startup instead of on the first query.
    /// - Throws: `PostgresError` `.configuration` with libpq's reason.
    init(url: String, connectTimeoutSeconds: Int) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(url, &errorMessage)
        // Both outputs are malloc'ed by libpq: the options array is freed with PQconninfoFree,
        // the error message (set only on failure) with PQfreemem.
        defer {
            if let options { PQconninfoFree(options) }
            if let errorMessage { PQfreemem(errorMessage) }
        }
        guard options != nil else {
            let reason = errorMessage.map { String(cString: $0) } ?? "out of memory"
            throw PostgresError(code: .configuration, message: "invalid connection URL: \(reason.trimmingNewlines)")
        }
        guard connectTimeoutSeconds > 0 else {
            throw PostgresError(code: .configuration, message: "connect timeout must be positive, got \(connectTimeoutSeconds)")
        }
        self.url = url
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// Starts a blocking connect. The result is nil only when libpq is out of memory; otherwise
    /// it is a `PGconn` that the caller owns and must `PQfinish`, whatever `PQstatus` says.
    func connect() -> OpaquePointer? {
        // With expand_dbname = 1, libpq expands the URL given as `dbname`, and the URL's own
        // settings override the keywords before it: ours are defaults the URL may change.
        let keywords = ["connect_timeout", "client_encoding", "dbname"]
        let values = [String(connectTimeoutSeconds), "UTF8", url]
        return withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the duration of the call.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    // strdup copies are ours to free; libpq only reads them during the call.
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
