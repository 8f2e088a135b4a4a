import ImageModel
import JSON

/// The OpenAPI 3.1 description of the image endpoints, exactly as `ImageController` and the
/// service routes behave; schemathesis checks the running service against it in the test suite.
public enum OpenAPIDocument {
    /// The document for a service; read-only services drop the write operations.
    public static func json(title: String, access: ImageController.Access) -> [UInt8] {
        guard case .object(var root) = try! JSONParser.parse(text) else { preconditionFailure("document is an object") }
        root = root.map { member in
            switch member.key {
            case "info": return (member.key, .object([("title", .string(title)), ("version", .string("1.0.0"))]))
            case "paths" where access == .readOnly: return (member.key, readOnlyPaths(member.value))
            default: return member
            }
        }
        return JSONValue.object(root).serialized
    }

    private static func readOnlyPaths(_ paths: JSONValue) -> JSONValue {
        guard case .object(let members) = paths else { return paths }
        return .object(members.compactMap { path, item in
            guard case .object(let operations) = item else { return nil }
            let reads = operations.filter { $0.key == "get" || $0.key == "parameters" }
            return reads.contains { $0.key == "get" } ? (path, .object(reads)) : nil
        })
    }

    /// The `properties` members of `fields`, those for which `nullable` holds also allowing null.
    private static func properties(_ fields: [ImageField], nullable: (ImageField) -> Bool) -> String {
        fields.map { field in
            "\"\(field.rawValue)\": " + (nullable(field) ? #"{"anyOf": [\#(schema(of: field)), {"type": "null"}]}"# : schema(of: field))
        }.joined(separator: ", ")
    }

    /// The schema of a field's values, with the bounds requests are checked against.
    private static func schema(of field: ImageField) -> String {
        switch field.kind {
        case .integer(let minimum): #"{"type": "integer", "format": "int64", "minimum": \#(minimum), "maximum": 9223372036854775807}"#
        case .jpeg: #"{"type": "string", "pattern": "^([0-9a-f]{2})*$", "description": "JPEG bytes as lowercase hex"}"#
        case .coordinates: ##"{"$ref": "#/components/schemas/GPS"}"##
        case .timestamp: #"{"type": "string", "description": "UTC, ISO-8601 with microseconds, no zone"}"#
        case .boolean: #"{"type": "boolean"}"#
        case .text(let maxLength): #"{"type": "string", "maxLength": \#(maxLength), "pattern": "^[^\\u0000]*$"}"#
        case .number(let range): #"{"type": "number", "minimum": \#(range.lowerBound), "maximum": \#(range.upperBound)}"#
        }
    }

    // The text is checked by JSONParser at first use (a test renders it); write access and
    // security are declared per operation. The image schemas derive from `ImageField`.
    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "LeafSync", "version": "1.0.0"},
      "paths": {
        "/ping": {"get": {"operationId": "ping", "summary": "Liveness", "responses": {
          "200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "string", "const": "Hello, I am alive"}}}}}}},
        "/ready": {"get": {"operationId": "ready", "summary": "Readiness: 200 only when the database answers", "responses": {
          "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "503": {"$ref": "#/components/responses/Error"}}}},
        "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics", "responses": {
          "200": {"description": "Text exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/image-plant/is-deployed/": {"get": {"operationId": "isDeployed", "summary": "Whether the image database holds its seed data", "responses": {
          "200": {"description": "Deployed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IsDeployed"}}}},
          "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/image-plant/{plant}/total/": {
          "parameters": [{"$ref": "#/components/parameters/Plant"}],
          "get": {"operationId": "total", "summary": "Number of images of a plant, deleted ones included", "responses": {
            "200": {"description": "Count", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Total"}}}},
            "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/image-plant/{plant}/random/": {
          "parameters": [{"$ref": "#/components/parameters/Plant"}, {"$ref": "#/components/parameters/IsActive"},
                         {"$ref": "#/components/parameters/HasDisease"}, {"$ref": "#/components/parameters/IsDeleted"}],
          "get": {"operationId": "random", "summary": "A random image matching the flags", "responses": {
            "200": {"$ref": "#/components/responses/Image"}, "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/image-plant/{plant}/{image_id}": {
          "parameters": [{"$ref": "#/components/parameters/Plant"}, {"$ref": "#/components/parameters/ImageID"}],
          "get": {"operationId": "getImage", "summary": "One image by id", "responses": {
            "200": {"$ref": "#/components/responses/Image"}, "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}},
          "delete": {"operationId": "deleteImage", "summary": "Soft delete: sets is_deleted and updated_at",
            "security": [{"bearerAuth": []}, {}], "responses": {
            "200": {"description": "Deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/image-plant/{plant}/": {
          "parameters": [{"$ref": "#/components/parameters/Plant"}],
          "get": {"operationId": "listImages", "summary": "A page of images with id ≥ from_id, and how many match the flags",
            "parameters": [
              {"name": "from_id", "in": "query", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807}},
              {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
              {"$ref": "#/components/parameters/IsActive"}, {"$ref": "#/components/parameters/HasDisease"},
              {"$ref": "#/components/parameters/IsDeleted"}],
            "responses": {
              "200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageList"}}}},
              "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}},
          "put": {"operationId": "createImage", "summary": "Create an image with the next id; data is copied from a random image of the plant unless given",
            "security": [{"bearerAuth": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewImage"}}}},
            "responses": {
              "200": {"$ref": "#/components/responses/Image"}, "401": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}},
          "post": {"operationId": "updateImage", "summary": "Partial update: present, non-null fields replace stored values; returns the updated image",
            "security": [{"bearerAuth": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageUpdate"}}}},
            "responses": {
              "200": {"$ref": "#/components/responses/Image"}, "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}}
      },
      "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "Required on writes when the service has a token configured"}},
        "parameters": {
          "Plant": {"name": "plant", "in": "path", "required": true, "schema": {"type": "string", "enum": ["potato", "tomato", "pepper"]}},
          "ImageID": {"name": "image_id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807}},
          "IsActive": {"name": "is_active", "in": "query", "required": false, "schema": {"type": "boolean"}},
          "HasDisease": {"name": "has_disease", "in": "query", "required": false, "schema": {"type": "boolean"}},
          "IsDeleted": {"name": "is_deleted", "in": "query", "required": false, "schema": {"type": "boolean"}}
        },
        "responses": {
          "Image": {"description": "An image", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Image"}}}},
          "Error": {"description": "What was wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
          "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
          "IsDeployed": {"type": "object", "required": ["is_deployed"], "properties": {"is_deployed": {"type": "boolean", "const": true}}},
          "Total": {"type": "object", "required": ["total_images"], "properties": {"total_images": {"type": "integer", "minimum": 0}}},
          "Message": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
          "GPS": {"type": "array", "minItems": 2, "maxItems": 2, "description": "[latitude, longitude]",
            "prefixItems": [{"type": "number", "minimum": -90, "maximum": 90}, {"type": "number", "minimum": -180, "maximum": 180}]},
          "Image": {"type": "object", "additionalProperties": false,
            "required": ["id", \#(ImageField.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))],
            "properties": {"id": {"type": "integer", "minimum": 1}, \#(properties(ImageField.allCases) { $0.isNullable })}},
          "ImageList": {"type": "object", "required": ["image_list", "total_images"], "properties": {
            "image_list": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}},
            "total_images": {"type": "integer", "minimum": 0}}},
          "NewImage": {"type": "object", "additionalProperties": false, "required": ["camera_id", "gps_coordinates"], "properties": {
            \#(properties([.cameraID, .gpsCoordinates]) { _ in false }),
            "data": {"type": ["string", "null"], "pattern": "^([0-9a-fA-F]{2})+$", "maxLength": \#(EventLimits.maxImageBytes * 2), "description": "Optional JPEG as hex (LeafSync extension); absent or null: the data of a random existing image of the plant, as LIMS"}}},
          "ImageUpdate": {"type": "object", "additionalProperties": false, "required": ["id"], "properties": {
            "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807},
            \#(properties(ImageField.updatable) { _ in true })}}
        }
      }
    }
    """#
}
