/// One row of a result, its cells already decoded from PostgreSQL's binary format.
public struct PostgresRow: Sendable, Hashable {
    public let values: [PostgresValue]

    public init(values: [PostgresValue]) { self.values = values }

    public subscript(index: Int) -> PostgresValue { values[index] }

    /// The cell at `index` as `T`.
    /// - Throws: `PostgresError` `.decoding` naming the column when the cell holds another type,
    ///   or NULL and `T` is not optional.
    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard values.indices.contains(index) else {
            throw PostgresError(code: .decoding, message: "column \(index) does not exist; the row has \(values.count)")
        }
        guard let value = T(postgresValue: values[index]) else {
            throw PostgresError(code: .decoding, message: "column \(index) holds \(values[index].kindName), not \(T.self)")
        }
        return value
    }
}
