/// A member of the LIMS image record besides `id`, in LIMS order; the names are the LIMS JSON
/// names. This is the one list every per-field piece of code derives from: the record, request
/// and event JSON, the MongoDB documents, the PostgreSQL columns, `verify`'s comparison and
/// digest, the OpenAPI schemas. A new field is a case here with its `kind`, a stored property
/// of `Image` with its two lines in `Image.subscript`, and a PostgreSQL migration.
public enum ImageField: String, Sendable, CaseIterable, Hashable {
    case cameraID = "camera_id", data, gpsCoordinates = "gps_coordinates", createdAt = "created_at"
    case updatedAt = "updated_at", isActive = "is_active", isDeleted = "is_deleted", disease, percentage

    /// What a field holds, with the bounds every request and event must keep.
    public enum Kind: Sendable, Hashable {
        case integer(minimum: Int64)
        /// The JPEG: hex in JSON, binary in the stores and in events of schema 2.
        case jpeg
        case coordinates
        case timestamp
        case boolean
        /// Unicode scalars, never NUL (PostgreSQL text cannot hold it).
        case text(maxLength: Int)
        case number(ClosedRange<Double>)
    }

    public var kind: Kind {
        switch self {
        case .cameraID: .integer(minimum: 1)
        case .data: .jpeg
        case .gpsCoordinates: .coordinates
        case .createdAt, .updatedAt: .timestamp
        case .isActive, .isDeleted: .boolean
        case .disease: .text(maxLength: 200)
        case .percentage: .number(0...1)
        }
    }

    /// Whether a record may hold null: LIMS leaves `updated_at` null until the first update,
    /// `disease` and `percentage` until the recognizer sets them.
    public var isNullable: Bool { [.updatedAt, .disease, .percentage].contains(self) }

    /// The fields an update request may set: not the JPEG or the creation time, which never
    /// change, nor `updated_at`, which every change sets.
    public static let updatable = allCases.filter { ![.data, .createdAt, .updatedAt].contains($0) }

    /// The fields a change event's patch may carry: the updatable ones and `updated_at`.
    public static let patchable = allCases.filter { updatable.contains($0) || $0 == .updatedAt }
}

/// The value of an `ImageField`. Doubles compare and hash by bit pattern, as the stores keep
/// them, so a NaN equals itself and `-0.0` differs from `0.0`.
public enum ImageFieldValue: Sendable {
    case integer(Int64)
    case bytes([UInt8])
    case coordinates(GPSCoordinates)
    case timestamp(Timestamp)
    case boolean(Bool)
    case text(String)
    case number(Double)
    case null
}

extension ImageFieldValue: Hashable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.integer(x), .integer(y)): x == y
        case let (.bytes(x), .bytes(y)): x == y
        case let (.coordinates(x), .coordinates(y)):
            x.latitude.bitPattern == y.latitude.bitPattern && x.longitude.bitPattern == y.longitude.bitPattern
        case let (.timestamp(x), .timestamp(y)): x == y
        case let (.boolean(x), .boolean(y)): x == y
        case let (.text(x), .text(y)): x == y
        case let (.number(x), .number(y)): x.bitPattern == y.bitPattern
        case (.null, .null): true
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .integer(let value): hasher.combine(0); hasher.combine(value)
        case .bytes(let value): hasher.combine(1); hasher.combine(value)
        case .coordinates(let value): hasher.combine(2); hasher.combine(value.latitude.bitPattern); hasher.combine(value.longitude.bitPattern)
        case .timestamp(let value): hasher.combine(3); hasher.combine(value)
        case .boolean(let value): hasher.combine(4); hasher.combine(value)
        case .text(let value): hasher.combine(5); hasher.combine(value)
        case .number(let value): hasher.combine(6); hasher.combine(value.bitPattern)
        case .null: hasher.combine(7)
        }
    }
}

/// The payload of each kind; nil for another kind (and for null).
extension ImageFieldValue {
    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var bytes: [UInt8]? { if case .bytes(let value) = self { value } else { nil } }
    public var coordinates: GPSCoordinates? { if case .coordinates(let value) = self { value } else { nil } }
    public var timestamp: Timestamp? { if case .timestamp(let value) = self { value } else { nil } }
    public var boolean: Bool? { if case .boolean(let value) = self { value } else { nil } }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
    public var number: Double? { if case .number(let value) = self { value } else { nil } }
}

extension [ImageField: ImageFieldValue] {
    /// The values that set something: requests and patches read null as "keep". The decoders
    /// never produce a null, so the usual case keeps the dictionary rather than copying it.
    var settingValues: Self { values.contains(.null) ? filter { $0.value != .null } : self }
}
