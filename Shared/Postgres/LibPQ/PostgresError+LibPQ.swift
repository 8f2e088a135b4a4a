import CLibPQ

extension PostgresError {
    /// The error of a failed statement: SQLSTATE and message from `result`, classed as a
    /// connection failure when the connection is gone. `result` stays owned by the caller.
    init(result: OpaquePointer, connection: OpaquePointer) {
        let sqlState = Self.field(result, DiagnosticField.sqlState)
        var message = Self.field(result, DiagnosticField.primaryMessage)
            ?? String(cString: PQresultErrorMessage(result)).trimmingNewlines
        if let detail = Self.field(result, DiagnosticField.detail) { message += " (\(detail))" }
        if message.isEmpty { message = String(cString: PQerrorMessage(connection)).trimmingNewlines }
        // A server that went away mid-statement leaves the connection bad, with or without a
        // 57P01 from the server: either way the caller should see a connection failure.
        let lost = PQstatus(connection) != CONNECTION_OK
        self.init(code: lost ? .connection : .query, sqlState: sqlState, message: message)
    }

    /// The connection's last error, for calls that produced no result or failed to connect.
    init(connection: OpaquePointer, code: Code = .connection) {
        let message = String(cString: PQerrorMessage(connection)).trimmingNewlines
        self.init(code: code, message: message.isEmpty ? "no result from libpq" : message)
    }

    /// A diagnostic field; the returned C string belongs to the result and dies with PQclear.
    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let value = PQresultErrorField(result, code) else { return nil }
        return String(cString: value)
    }
}

/// The `PG_DIAG_*` codes of postgres_ext.h, which defines them as character literals that Swift
/// does not import.
enum DiagnosticField {
    /// Not localized (`ERROR`, `FATAL`, `NOTICE`...), unlike `S`.
    static let severity = Int32(UInt8(ascii: "V"))
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let primaryMessage = Int32(UInt8(ascii: "M"))
    static let detail = Int32(UInt8(ascii: "D"))
}

extension String {
    /// libpq messages end with a newline.
    var trimmingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text = text.dropLast() }
        return String(text)
    }
}
