import ImageModel
import Postgres

extension PostgresImageRepository {
    /// The columns of an `Image`, in the order `Image(postgresRow:)` reads them.
    static let imageColumns = """
        id, camera_id, data, latitude, longitude, created_at, updated_at, is_active, is_deleted, \
        disease, percentage, version
        """

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

    /// The values of every column but `plant`, in `imageColumns` order.
    static func values(of image: Image) -> [PostgresValue] {
        [
            .int64(image.id), .int64(image.cameraID), .bytea(image.data),
            .double(image.gpsCoordinates.latitude), .double(image.gpsCoordinates.longitude),
            .timestamp(PostgresTimestamp(image.createdAt)),
            .optional(image.updatedAt) { .timestamp(PostgresTimestamp($0)) },
            .bool(image.isActive), .bool(image.isDeleted),
            .optional(image.disease, PostgresValue.text), .optional(image.percentage, PostgresValue.double),
            .int64(image.version),
        ]
    }
}

extension Image {
    /// Reads a row selected with `PostgresImageRepository.imageColumns`.
    init(postgresRow row: PostgresRow) throws(PostgresError) {
        self.init(id: try row.decode(0),
                  cameraID: try row.decode(1),
                  data: try row.decode(2),
                  gpsCoordinates: GPSCoordinates(latitude: try row.decode(3), longitude: try row.decode(4)),
                  createdAt: Timestamp(try row.decode(5, as: PostgresTimestamp.self)),
                  updatedAt: try row.decode(6, as: PostgresTimestamp?.self).map(Timestamp.init),
                  isActive: try row.decode(7),
                  isDeleted: try row.decode(8),
                  disease: try row.decode(9),
                  percentage: try row.decode(10),
                  version: try row.decode(11))
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
