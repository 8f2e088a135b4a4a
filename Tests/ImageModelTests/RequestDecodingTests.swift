import ImageModel
import Testing

/// The create and update bodies, from literals: every rejection names its field.
@Suite struct RequestDecodingTests {
    private func body(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func decodesACreateRequest() throws {
        let new = try NewImage(json: body(#"{"camera_id": 1, "gps_coordinates": [48.476563, 16.585654]}"#))
        #expect(new == NewImage(cameraID: 1, gpsCoordinates: GPSCoordinates(latitude: 48.476563, longitude: 16.585654)))
        let withData = try NewImage(json: body(#"{"camera_id": 2, "gps_coordinates": [-90, 180], "data": "FFd8"}"#))
        #expect(withData.data == [0xFF, 0xD8])
        let wholeFloat = try NewImage(json: body(#"{"camera_id": 2.0, "gps_coordinates": [0, 0]}"#))
        #expect(wholeFloat.cameraID == 2)
        // A null `data` is an absent one, as null is everywhere in LIMS bodies (openapi.json says so).
        let nullData = try NewImage(json: body(#"{"camera_id": 3, "gps_coordinates": [0, 0], "data": null}"#))
        #expect(nullData == NewImage(cameraID: 3, gpsCoordinates: GPSCoordinates(latitude: 0, longitude: 0)))
    }

    @Test func decodesAnUpdateKeepingAbsentAndNullFields() throws {
        let update = try ImageUpdate(json: body(#"{"id": 7, "camera_id": null, "disease": "Healthy", "percentage": 1, "is_active": false}"#))
        #expect(update == ImageUpdate(id: 7, disease: "Healthy", percentage: 1, isActive: false))
    }

    @Test(arguments: [
        (#"{"camera_id": 1, "gps_coordinates": [1, 2]"#, "body"),
        (#"[1]"#, "body"),
        (#"{"gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": 1}"#, "gps_coordinates"),
        (#"{"camera_id": 0, "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": "1", "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": 1.5, "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": true, "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": {"$gt": 0}, "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": 9223372036854775808, "gps_coordinates": [1, 2]}"#, "camera_id"),
        (#"{"camera_id": 1, "gps_coordinates": [91, 2]}"#, "gps_coordinates[0] (latitude)"),
        (#"{"camera_id": 1, "gps_coordinates": [-90.5, 2]}"#, "gps_coordinates[0] (latitude)"),
        (#"{"camera_id": 1, "gps_coordinates": [1, 180.01]}"#, "gps_coordinates[1] (longitude)"),
        (#"{"camera_id": 1, "gps_coordinates": [1, "2"]}"#, "gps_coordinates[1] (longitude)"),
        (#"{"camera_id": 1, "gps_coordinates": [1, 2, 3]}"#, "gps_coordinates"),
        (#"{"camera_id": 1, "gps_coordinates": {"lat": 1}}"#, "gps_coordinates"),
        (#"{"camera_id": 1, "gps_coordinates": [1, 2], "data": "abc"}"#, "data"),
        (#"{"camera_id": 1, "gps_coordinates": [1, 2], "color": "red"}"#, "color"),
    ])
    func rejectsBadCreateBodies(text: String, field: String) {
        let error = #expect(throws: ImageError.self) { try NewImage(json: body(text)) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == field)
    }

    @Test(arguments: [
        (#"{"camera_id": 2}"#, "id"),
        (#"{"id": 0}"#, "id"),
        (#"{"id": -3}"#, "id"),
        (#"{"id": 99999999999999999999}"#, "id"),
        (#"{"id": {"$ne": 1}}"#, "id"),
        (#"{"id": 1, "percentage": 1.5}"#, "percentage"),
        (#"{"id": 1, "percentage": -0.1}"#, "percentage"),
        (#"{"id": 1, "percentage": "high"}"#, "percentage"),
        (#"{"id": 1, "is_active": "yes"}"#, "is_active"),
        (#"{"id": 1, "is_deleted": 1}"#, "is_deleted"),
        (#"{"id": 1, "disease": 3}"#, "disease"),
        (#"{"id": 1, "disease": "a\u0000b"}"#, "disease"),
        (#"{"id": 1, "disease": {"$set": "x"}}"#, "disease"),
        (#"{"id": 1, "created_at": "2023-10-08T15:39:49"}"#, "created_at"),
        (#"{"id": 1, "data": "ff"}"#, "data"),
    ])
    func rejectsBadUpdateBodies(text: String, field: String) {
        let error = #expect(throws: ImageError.self) { try ImageUpdate(json: body(text)) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == field)
        #expect(error?.message.contains(field) == true)
    }
}
