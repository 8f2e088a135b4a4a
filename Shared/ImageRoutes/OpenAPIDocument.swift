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

    // The text is checked by JSONParser at first use (a test renders it); write access and
    // security are declared per operation.
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
            "required": ["id", "camera_id", "data", "gps_coordinates", "created_at", "updated_at", "is_active", "is_deleted", "disease", "percentage"],
            "properties": {
              "id": {"type": "integer", "minimum": 1}, "camera_id": {"type": "integer", "minimum": 1},
              "data": {"type": "string", "pattern": "^([0-9a-f]{2})*$", "description": "JPEG bytes as lowercase hex"},
              "gps_coordinates": {"$ref": "#/components/schemas/GPS"},
              "created_at": {"type": "string", "description": "UTC, ISO-8601 with microseconds, no zone"},
              "updated_at": {"type": ["string", "null"]},
              "is_active": {"type": "boolean"}, "is_deleted": {"type": "boolean"},
              "disease": {"type": ["string", "null"]}, "percentage": {"type": ["number", "null"], "minimum": 0, "maximum": 1}}},
          "ImageList": {"type": "object", "required": ["image_list", "total_images"], "properties": {
            "image_list": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}},
            "total_images": {"type": "integer", "minimum": 0}}},
          "NewImage": {"type": "object", "additionalProperties": false, "required": ["camera_id", "gps_coordinates"], "properties": {
            "camera_id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807},
            "gps_coordinates": {"$ref": "#/components/schemas/GPS"},
            "data": {"type": ["string", "null"], "pattern": "^([0-9a-fA-F]{2})+$", "maxLength": 1048576, "description": "Optional JPEG as hex (LeafSync extension); absent or null: the data of a random existing image of the plant, as LIMS"}}},
          "ImageUpdate": {"type": "object", "additionalProperties": false, "required": ["id"], "properties": {
            "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807},
            "camera_id": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "maximum": 9223372036854775807},
            "gps_coordinates": {"oneOf": [{"$ref": "#/components/schemas/GPS"}, {"type": "null"}]},
            "disease": {"type": ["string", "null"], "maxLength": 200, "pattern": "^[^\\u0000]*$"},
            "percentage": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "is_active": {"type": ["boolean", "null"]}, "is_deleted": {"type": ["boolean", "null"]}}}
        }
      }
    }
    """#
}
