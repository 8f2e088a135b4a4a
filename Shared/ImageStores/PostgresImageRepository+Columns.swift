import ImageModel
import Postgres

/// A column of `images` beside `plant`, with everything a statement needs of it: its SQL type,
/// the record's value, how a row's cell goes back into a record, and what a patch sets (nil for
/// a column no change touches). The columns derive from `ImageField`, as the MongoDB documents
/// do; the column lists, placeholders, conflict clauses, the patch's VALUES list and the row
/// decoding all derive from `PostgresImageRepository.columns`.
struct ImageColumn: Sendable {
    let name: String
    let type: String
    let value: @Sendable (Image) -> PostgresValue
    let read: @Sendable (PostgresRow, Int, inout Image) throws(PostgresError) -> Void
    let patched: (@Sendable (ImagePatch) -> PostgresValue)?

    /// `id` or `version`: a bigint no patch sets.
    init(_ name: String, _ path: WritableKeyPath<Image, Int64> & Sendable) {
        self.name = name
        type = "bigint"
        value = { .int64($0[keyPath: path]) }
        read = { row, index, image throws(PostgresError) in image[keyPath: path] = try row.decode(index) }
        patched = nil
    }

    /// The column of `field`, or of one of its coordinates (`component` 0 latitude, 1 longitude).
    private init(_ field: ImageField, name: String, type: String, component: Int? = nil) {
        self.name = name
        self.type = type
        let cell: @Sendable (ImageFieldValue) -> PostgresValue = { value in
            guard let component, case .coordinates(let gps) = value else { return value.postgresValue }
            return .double(component == 0 ? gps.latitude : gps.longitude)
        }
        value = { cell($0[field]) }
        read = { row, index, image throws(PostgresError) in
            let stored = try Self.decode(field, row, index)
            guard let component, case .coordinates(var gps) = image[field], let coordinate = stored.number else {
                image[field] = stored
                return
            }
            if component == 0 { gps.latitude = coordinate } else { gps.longitude = coordinate }
            image[field] = .coordinates(gps)
        }
        if ImageField.patchable.contains(field) {
            patched = { patch -> PostgresValue in patch[field].map(cell) ?? .null }
        } else {
            patched = nil
        }
    }

    /// The columns of `field`: one, or two for coordinates (LIMS's PostgreSQL schema keeps
    /// `gps_coordinates` as `latitude` and `longitude`).
    static func columns(of field: ImageField) -> [ImageColumn] {
        let type = switch field.kind {
        case .integer: "bigint"
        case .jpeg: "bytea"
        case .timestamp: "timestamp"
        case .boolean: "bool"
        case .text: "text"
        case .number, .coordinates: "float8"
        }
        guard field.kind == .coordinates else { return [ImageColumn(field, name: field.rawValue, type: type)] }
        let prefix = field == .gpsCoordinates ? "" : field.rawValue + "_"
        return [ImageColumn(field, name: prefix + "latitude", type: type, component: 0),
                ImageColumn(field, name: prefix + "longitude", type: type, component: 1)]
    }

    /// A cell of `field`'s column read by the field's kind; NULL only where the field is nullable.
    private static func decode(_ field: ImageField, _ row: PostgresRow, _ index: Int) throws(PostgresError) -> ImageFieldValue {
        func cell<T: PostgresDecodable>(_ type: T.Type, _ wrap: (T) -> ImageFieldValue) throws(PostgresError) -> ImageFieldValue {
            guard field.isNullable else { return wrap(try row.decode(index, as: T.self)) }
            return try row.decode(index, as: T?.self).map(wrap) ?? .null
        }
        return switch field.kind {
        case .integer: try cell(Int64.self) { .integer($0) }
        case .jpeg: try cell([UInt8].self) { .bytes($0) }
        case .timestamp: try cell(PostgresTimestamp.self) { .timestamp(Timestamp($0)) }
        case .boolean: try cell(Bool.self) { .boolean($0) }
        case .text: try cell(String.self) { .text($0) }
        case .number, .coordinates: try cell(Double.self) { .number($0) }
        }
    }
}

extension ImageFieldValue {
    /// The value as a statement parameter; coordinates take two columns (`ImageColumn`).
    var postgresValue: PostgresValue {
        switch self {
        case .integer(let int): .int64(int)
        case .bytes(let bytes): .bytea(bytes)
        case .timestamp(let time): .timestamp(PostgresTimestamp(time))
        case .boolean(let bool): .bool(bool)
        case .text(let text): .text(text)
        case .number(let number): .double(number)
        case .null: .null
        case .coordinates: preconditionFailure("coordinates are written as two columns")
        }
    }
}

extension PostgresImageRepository {
    /// Every column but `plant`, in the order statements list them and rows are read.
    static let columns = [ImageColumn("id", \.id)] + ImageField.allCases.flatMap(ImageColumn.columns(of:))
        + [ImageColumn("version", \.version)]

    /// The names of `columns`, for tools that copy the table (`sync-bench names columns`).
    public static var columnNames: [String] { columns.map(\.name) }

    /// The column list of `columns`, for SELECT, RETURNING and INSERT.
    static let imageColumns = columns.map(\.name).joined(separator: ", ")

    /// The columns a change may alter: those a patch sets, and `version`. An update writes
    /// them back (`modify`), a patch `coalesce`s them (`patchStatement`).
    static let changeableColumns = columns.filter { $0.patched != nil || $0.name == "version" }

    /// The values of every column but `plant`, in `columns` order.
    static func values(of image: Image) -> [PostgresValue] {
        columns.map { $0.value(image) }
    }
}

extension Image {
    /// Reads a row selected with `PostgresImageRepository.imageColumns`.
    init(postgresRow row: PostgresRow) throws(PostgresError) {
        self.init(id: 0, version: 0)
        for (index, column) in PostgresImageRepository.columns.enumerated() {
            try column.read(row, index, &self)
        }
    }
}
