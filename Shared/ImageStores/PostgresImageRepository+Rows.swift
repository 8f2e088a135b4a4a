import ImageModel
import Postgres

extension PostgresImageRepository {
    /// The WHERE condition selecting `plant`'s records that match `filter`, with its parameters
    /// (`$1` is the plant). Only fixed fragments go into the SQL; values are parameters, so the
    /// few shapes this yields are prepared once each.
    static func condition(plant: Plant, filter: ImageFilter) -> (sql: String, params: [PostgresValue]) {
        var sql = "plant = $1"
        var params: [PostgresValue] = [.text(plant.rawValue)]
        if let isActive = filter.isActive {
            params.append(.bool(isActive))
            sql += " AND is_active = $\(params.count)"
        }
        if let hasDisease = filter.hasDisease {
            sql += hasDisease ? " AND disease IS NOT NULL" : " AND disease IS NULL"
        }
        if let isDeleted = filter.isDeleted {
            params.append(.bool(isDeleted))
            sql += " AND is_deleted = $\(params.count)"
        }
        return (sql, params)
    }
}

extension PostgresTimestamp {
    /// The column holds UTC; LeafSync timestamps have millisecond precision, so nothing is lost.
    init(_ timestamp: Timestamp) {
        self.init(microsecondsSinceEpoch: timestamp.microsecondsSinceEpoch)
    }
}

extension Timestamp {
    /// Truncates toward the past to whole milliseconds (only rows written by hand have more).
    init(_ timestamp: PostgresTimestamp) {
        let (quotient, remainder) = timestamp.microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1000)
        self.init(millisecondsSinceEpoch: remainder < 0 ? quotient - 1 : quotient)
    }
}
