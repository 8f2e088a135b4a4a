extension PostgresConnection {
    /// Runs `body` inside BEGIN … COMMIT; any error thrown by `body` or by COMMIT rolls the
    /// transaction back and is rethrown.
    ///
    /// A ROLLBACK that fails (the connection is gone) is not reported over the original error:
    /// the server rolls back an abandoned transaction itself, and the pool discards a
    /// connection that is not idle afterwards.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            if isConnected { _ = try? query("ROLLBACK") }
            throw error
        }
    }
}
