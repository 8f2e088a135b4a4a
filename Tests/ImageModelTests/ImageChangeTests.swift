import ImageModel
import JSON
import Testing

@Suite struct ImageChangeTests {
    let base = Image(id: 1, cameraID: 1, data: [0xFF, 0xD8], gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2),
                     createdAt: Timestamp(millisecondsSinceEpoch: 1_000), updatedAt: Timestamp(millisecondsSinceEpoch: 1_000))

    @Test func applyingReportsOnlyRealChanges() {
        let at = Timestamp(millisecondsSinceEpoch: 2_000)
        let (next, changed) = base.applying(ImageUpdate(id: 1, cameraID: 1, disease: "Healthy", isActive: true), at: at)
        #expect(changed == [.isActive, .disease])
        #expect(next.version == 2 && next.updatedAt == at && next.cameraID == 1)
        let (same, none) = next.applying(ImageUpdate(id: 1, disease: "Healthy"), at: Timestamp(millisecondsSinceEpoch: 3_000))
        #expect(none.isEmpty && same == next)
    }

    /// A writer whose clock is behind (or that lost a race for the record's lock) still moves
    /// `updated_at` forward: by 1 ms past the last change.
    @Test func updatedAtIncreasesWithEveryVersionWhateverTheClock() {
        var image = base
        var previous = image.lastChangedAt
        for (index, clock) in [Int64(900), 1_000, 5_000, 4_000, 5_000, 0].enumerated() {
            image = image.applying(ImageUpdate(id: 1, cameraID: Int64(index + 2)), at: Timestamp(millisecondsSinceEpoch: clock)).image
            let expected = max(clock, previous.millisecondsSinceEpoch + 1)
            #expect(image.updatedAt == Timestamp(millisecondsSinceEpoch: expected), "clock \(clock)")
            previous = image.lastChangedAt
        }
        #expect(image.version == 7 && image.updatedAt == Timestamp(millisecondsSinceEpoch: 5_003))
        let atTheEnd = Image(id: 2, cameraID: 1, data: [0xFF], gpsCoordinates: base.gpsCoordinates, createdAt: base.createdAt,
                             updatedAt: Timestamp(millisecondsSinceEpoch: .max))
        #expect(atTheEnd.applying(ImageUpdate(id: 2, cameraID: 3), at: base.createdAt).image.updatedAt == atTheEnd.updatedAt)
    }

    @Test func softDeleteIsIdempotent() {
        let (deleted, changed) = base.softDeleted(at: Timestamp(millisecondsSinceEpoch: 5_000))
        #expect(changed == [.isDeleted] && deleted.isDeleted)
        #expect(deleted.softDeleted(at: Timestamp(millisecondsSinceEpoch: 6_000)).changed.isEmpty)
    }

    @Test func writesTheLIMSShape() throws {
        var image = base
        image.percentage = 0.78
        image.disease = "Bacterial Spot"
        let text = String(decoding: image.jsonBytes, as: UTF8.self)
        #expect(text == #"{"id":1,"camera_id":1,"data":"ffd8","gps_coordinates":[1.0,2.0],"created_at":"1970-01-01T00:00:01.000000","updated_at":"1970-01-01T00:00:01.000000","is_active":false,"is_deleted":false,"disease":"Bacterial Spot","percentage":0.78}"#)
    }

    @Test(arguments: [
        ("2023-10-08T15:39:49.123123", "2023-10-08T15:39:49.123000"),
        ("2023-10-08T15:39:49", "2023-10-08T15:39:49.000000"),
        ("2024-02-29T23:59:59.9Z", "2024-02-29T23:59:59.900000"),
        ("1969-12-31T23:59:59.999", "1969-12-31T23:59:59.999000"),
        ("0999-01-02T03:04:05.006", "0999-01-02T03:04:05.006000"),
        ("0001-01-01T00:00:00", "0001-01-01T00:00:00.000000"),
        ("9999-12-31T23:59:59.999999+00:00", "9999-12-31T23:59:59.999000"),
    ])
    func timestampsRoundTrip(input: String, shown: String) throws {
        let timestamp = try #require(Timestamp(iso8601: input))
        #expect(timestamp.description == shown)
        #expect(Timestamp(iso8601: shown) == timestamp)
    }

    @Test(arguments: ["", "2023-13-01T00:00:00", "2023-10-08 15:39:49", "2023-10-08T25:00:00", "2023-10-08T15:39:49.1234567",
                      "300000000-01-01T00:00:00", "10000-01-01T00:00:00", "0000-01-01T00:00:00", "-001-01-01T00:00:00",
                      "2023-02-29T00:00:00", "2023-04-31T00:00:00", "+023-10-08T15:39:49", "2023-1-08T15:39:49",
                      "2023-10-08T15:39:49.", "2023-10-08T15:39:49.+12", "2023-10-08T15:39:49.12Z3", "２０２３-10-08T15:39:49"])
    func rejectsBadTimestamps(input: String) {
        #expect(Timestamp(iso8601: input) == nil)
    }

    /// Null means "keep" in requests and patches: a null given to either is dropped.
    @Test func nullsNeverEnterAPatchOrAnUpdate() {
        let patch = ImagePatch([.disease: .null, .isActive: .boolean(true), .updatedAt: .timestamp(Timestamp(millisecondsSinceEpoch: 1))])
        #expect(patch.fields == [.updatedAt, .isActive] && patch[.disease] == nil)
        #expect(ImageUpdate(id: 1, [.percentage: .null]).values.isEmpty)
        #expect(patch.merged(with: ImagePatch([.disease: .text("Healthy")])).fields == [.updatedAt, .isActive, .disease])
    }
}
