import ImageModel
import Postgres

/// A column of `images` beside `plant`, declared once with everything a statement needs of it:
/// its SQL type, the record's value, how a row's cell goes back into a record, and what a patch
/// sets (nil for a column no change touches). The column lists, placeholders, conflict clauses,
/// the patch's VALUES list and the row decoding all derive from `PostgresImageRepository.columns`,
/// as the MongoDB side derives its documents from one field list.
struct ImageColumn: Sendable {
    let name: String
    let type: String
    let value: @Sendable (Image) -> PostgresValue
    let read: @Sendable (PostgresRow, Int, inout Image) throws(PostgresError) -> Void
    let patched: (@Sendable (ImagePatch) -> PostgresValue)?

    init(_ name: String, _ type: String, value: @escaping @Sendable (Image) -> PostgresValue,
         read: @escaping @Sendable (PostgresRow, Int, inout Image) throws(PostgresError) -> Void,
         patched: (@Sendable (ImagePatch) -> PostgresValue)? = nil) {
        self.name = name
        self.type = type
        self.value = value
        self.read = read
        self.patched = patched
    }
}

extension PostgresImageRepository {
    /// Every column but `plant`, in the order statements list them and rows are read.
    static let columns: [ImageColumn] = [
        ImageColumn("id", "bigint", value: { .int64($0.id) }, read: { row, index, image throws(PostgresError) in image.id = try row.decode(index) }),
        ImageColumn("camera_id", "bigint", value: { .int64($0.cameraID) },
                    read: { row, index, image throws(PostgresError) in image.cameraID = try row.decode(index) },
                    patched: { .optional($0.cameraID, PostgresValue.int64) }),
        ImageColumn("data", "bytea", value: { .bytea($0.data) }, read: { row, index, image throws(PostgresError) in image.data = try row.decode(index) }),
        ImageColumn("latitude", "float8", value: { .double($0.gpsCoordinates.latitude) },
                    read: { row, index, image throws(PostgresError) in image.gpsCoordinates.latitude = try row.decode(index) },
                    patched: { .optional($0.gpsCoordinates?.latitude, PostgresValue.double) }),
        ImageColumn("longitude", "float8", value: { .double($0.gpsCoordinates.longitude) },
                    read: { row, index, image throws(PostgresError) in image.gpsCoordinates.longitude = try row.decode(index) },
                    patched: { .optional($0.gpsCoordinates?.longitude, PostgresValue.double) }),
        ImageColumn("created_at", "timestamp", value: { .timestamp(PostgresTimestamp($0.createdAt)) },
                    read: { row, index, image throws(PostgresError) in image.createdAt = Timestamp(try row.decode(index, as: PostgresTimestamp.self)) }),
        ImageColumn("updated_at", "timestamp", value: { PostgresImageRepository.timestamp($0.updatedAt) },
                    read: { row, index, image throws(PostgresError) in
                        image.updatedAt = try row.decode(index, as: PostgresTimestamp?.self).map(Timestamp.init)
                    },
                    patched: { PostgresImageRepository.timestamp($0.updatedAt) }),
        ImageColumn("is_active", "bool", value: { .bool($0.isActive) },
                    read: { row, index, image throws(PostgresError) in image.isActive = try row.decode(index) },
                    patched: { .optional($0.isActive, PostgresValue.bool) }),
        ImageColumn("is_deleted", "bool", value: { .bool($0.isDeleted) },
                    read: { row, index, image throws(PostgresError) in image.isDeleted = try row.decode(index) },
                    patched: { .optional($0.isDeleted, PostgresValue.bool) }),
        ImageColumn("disease", "text", value: { .optional($0.disease, PostgresValue.text) },
                    read: { row, index, image throws(PostgresError) in image.disease = try row.decode(index) },
                    patched: { .optional($0.disease, PostgresValue.text) }),
        ImageColumn("percentage", "float8", value: { .optional($0.percentage, PostgresValue.double) },
                    read: { row, index, image throws(PostgresError) in image.percentage = try row.decode(index) },
                    patched: { .optional($0.percentage, PostgresValue.double) }),
        ImageColumn("version", "bigint", value: { .int64($0.version) }, read: { row, index, image throws(PostgresError) in image.version = try row.decode(index) }),
    ]

    /// The column list of `columns`, for SELECT, RETURNING and INSERT.
    static let imageColumns = columns.map(\.name).joined(separator: ", ")

    /// The columns a change may alter: those a patch sets, and `version`. An update writes
    /// them back (`modify`), a patch `coalesce`s them (`patchStatement`).
    static let changeableColumns = columns.filter { $0.patched != nil || $0.name == "version" }

    /// The values of every column but `plant`, in `columns` order.
    static func values(of image: Image) -> [PostgresValue] {
        columns.map { $0.value(image) }
    }

    private static func timestamp(_ time: Timestamp?) -> PostgresValue {
        .optional(time) { .timestamp(PostgresTimestamp($0)) }
    }
}

extension Image {
    /// Reads a row selected with `PostgresImageRepository.imageColumns`.
    init(postgresRow row: PostgresRow) throws(PostgresError) {
        self.init(id: 0, cameraID: 0, data: [], gpsCoordinates: GPSCoordinates(latitude: 0, longitude: 0),
                  createdAt: Timestamp(millisecondsSinceEpoch: 0), updatedAt: nil, isActive: false, isDeleted: false,
                  disease: nil, percentage: nil, version: 0)
        for (index, column) in PostgresImageRepository.columns.enumerated() {
            try column.read(row, index, &self)
        }
    }
}
