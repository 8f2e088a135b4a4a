/// What a change did to an image record.
public enum ChangeOperation: String, Sendable, Hashable, CaseIterable {
    case create, update, delete
    /// The record as it is, published again as a new version by `verify --repair` to mend a
    /// consumer DB that differs; applied like a create.
    case repair
    /// Removes a record the consumer DB holds but the producer never had (written behind the
    /// sync's back), published by `verify --repair`: applied only while the consumer DB still
    /// holds the version it names, so it can never remove a record the stream brought. From
    /// schema version 2 on.
    case purge
}

/// One change of one image record, as the stream sync carries it from the producer DB to the
/// consumer DB (see docs/events.md).
///
/// A create (or repair) carries the whole record; an update or delete only the fields that
/// changed and the new `updated_at`: the JPEG travels once, with the create.
public struct ChangeEvent: Sendable, Hashable {
    /// The envelope schema this code writes unless told otherwise (`image-api --schema-version`).
    public static let schemaVersion: Int64 = 2
    /// The envelope schemas this code reads and writes.
    public static let schemaVersions: ClosedRange<Int64> = 1...2

    public enum Payload: Sendable, Hashable {
        /// The record as created (its `version` is the event's).
        case record(Image)
        /// The changed fields of an update or delete.
        case patch(ImagePatch)
        /// A purge: the version of the consumer DB's record it removes.
        case removal(version: Int64)
    }

    public var op: ChangeOperation
    public var plant: Plant
    public var imageID: Int64
    /// The record's version after this change: 1 for the create, +1 for every later change;
    /// 0 for a purge, which is no version of a producer record.
    public var version: Int64
    /// When the producer wrote the change, in microseconds since the epoch (taken inside the
    /// transaction, just before it commits).
    public var occurredAt: Int64
    public var payload: Payload

    public init(op: ChangeOperation, plant: Plant, imageID: Int64, version: Int64, occurredAt: Int64, payload: Payload) {
        self.op = op
        self.plant = plant
        self.imageID = imageID
        self.version = version
        self.occurredAt = occurredAt
        self.payload = payload
    }

    /// The event of a record just created.
    public init(created image: Image, plant: Plant, occurredAt: Int64) {
        self.init(op: .create, plant: plant, imageID: image.id, version: image.version, occurredAt: occurredAt,
                  payload: .record(image))
    }

    /// The event that publishes `image` again, whole, as its (new) version.
    public init(repaired image: Image, plant: Plant, occurredAt: Int64) {
        self.init(op: .repair, plant: plant, imageID: image.id, version: image.version, occurredAt: occurredAt,
                  payload: .record(image))
    }

    /// The event that removes version `removing` of record `imageID` from the consumer DB.
    /// Its envelope is of schema 2 or later, whatever schema is asked for.
    public init(purging imageID: Int64, plant: Plant, removing version: Int64, occurredAt: Int64) {
        self.init(op: .purge, plant: plant, imageID: imageID, version: 0, occurredAt: occurredAt,
                  payload: .removal(version: version))
    }

    /// The event of a change whose result is `image` and which touched `changed`; a change
    /// that sets `is_deleted` to true is a delete.
    public init(changed fields: [ImageField], of image: Image, plant: Plant, occurredAt: Int64) {
        let isDelete = fields.contains(.isDeleted) && image.isDeleted
        self.init(op: isDelete ? .delete : .update, plant: plant, imageID: image.id, version: image.version,
                  occurredAt: occurredAt, payload: .patch(ImagePatch(fields, of: image)))
    }

    /// Stable across redeliveries: the same change always has the same id.
    public var eventID: String { Self.eventID(plant: plant, imageID: imageID, version: version) }

    static func eventID(plant: Plant, imageID: Int64, version: Int64) -> String {
        "\(plant.rawValue)-\(imageID)-\(version)"
    }
}
