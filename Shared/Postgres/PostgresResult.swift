/// The outcome of one statement: the rows it returned and the rows it affected.
///
/// The libpq result is decoded and freed before this value exists, so it is an ordinary
/// Sendable value that outlives the connection's queue.
public struct PostgresResult: Sendable {
    /// Column names, in order.
    public let columns: [String]
    public let rows: [PostgresRow]
    /// Rows inserted, updated or deleted (`PQcmdTuples`), or returned by a SELECT.
    public let affectedRows: Int

    public init(columns: [String], rows: [PostgresRow], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The single cell of a one-row, one-column result (`SELECT count(*) ...`).
    /// - Throws: `PostgresError` `.decoding` when the result has no row or the cell is not a `T`.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        guard let row = rows.first else {
            throw PostgresError(code: .decoding, message: "expected one row, got none")
        }
        return try row.decode(0, as: T.self)
    }
}
