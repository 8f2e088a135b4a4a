import HTTP
import ImageModel
import ImageRoutes
import JSON
import Logging
import Routing
import TestSupport
import Testing

/// The image endpoints through the router (no sockets), over each real store.
@Suite struct ImageRoutesTests {
    static let stores = TestStore.allCases

    /// A router with the image and docs routes over a fresh repository.
    private func withRouter(_ store: TestStore, access: ImageController.Access = .readWrite,
                            _ body: (Router, any ImageRepository) async throws -> Void) async throws {
        try await store.withRepository { repository in
            let builder = RouterBuilder(logger: Logger(label: "ImageRoutesTests"))
            ImageController(repository: repository, access: access).register(on: builder)
            DocsController(title: "Test", access: access).register(on: builder)
            try await body(builder.buildResponder(), repository)
        }
    }

    private func call(_ router: Router, _ method: HTTPMethod, _ target: String, _ body: String = "") async -> (status: Int, json: JSONValue?) {
        let response = await router.respond(to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(), body: Array(body.utf8)))
        return (response.status.code, try? JSONParser.parse(response.body))
    }

    private func detail(_ json: JSONValue?) -> String {
        if case .string(let text)? = json?["detail"] { return text }
        return ""
    }

    @Test(arguments: stores) func readsInTheLIMSShapeWithAndWithoutTrailingSlash(store: TestStore) async throws {
        try await withRouter(store) { router, repository in
            let image = Image.make(id: 1, disease: "Healthy", percentage: 0.5)
            try await repository.insert(plant: .potato, [image])
            let plain = await call(router, .get, "/image-plant/potato/1")
            let slashed = await call(router, .get, "/image-plant/potato/1/")
            #expect(plain.status == 200)
            #expect(plain.json == slashed.json)
            #expect(plain.json == (try JSONParser.parse(image.jsonBytes)))
            #expect(await call(router, .get, "/image-plant/potato/total/").json == (try JSONParser.parse(#"{"total_images":1}"#)))
            let missing = await call(router, .get, "/image-plant/potato/2")
            #expect(missing.status == 404)
            #expect(detail(missing.json) == "Image 2 of potato not found")
        }
    }

    @Test(arguments: stores) func rejectsBadPathAndQueryValuesNamingThem(store: TestStore) async throws {
        try await withRouter(store) { router, _ in
            for (target, name) in [
                ("/image-plant/carrot/1", "plant"), ("/image-plant/potato/0", "image_id"),
                ("/image-plant/potato/-4", "image_id"), ("/image-plant/potato/9223372036854775808", "image_id"),
                ("/image-plant/potato/abc", "image_id"), ("/image-plant/potato/?limit=5", "from_id"),
                ("/image-plant/potato/?from_id=1", "limit"), ("/image-plant/potato/?from_id=1&limit=0", "limit"),
                ("/image-plant/potato/?from_id=1&limit=1001", "limit"), ("/image-plant/potato/?from_id=x&limit=3", "from_id"),
                ("/image-plant/potato/random/?has_disease=maybe", "has_disease"), ("/image-plant/potato/random/?is_active=", "is_active"),
            ] {
                let answer = await call(router, .get, target)
                #expect(answer.status == 422, "\(target)")
                #expect(detail(answer.json).hasPrefix(name), "\(target): \(detail(answer.json))")
            }
        }
    }

    @Test(arguments: stores) func createUpdateDeleteRoundTrip(store: TestStore) async throws {
        try await withRouter(store) { router, repository in
            try await repository.insert(plant: .tomato, [Image.make(id: 1, data: [0xFF, 0xD8, 0x42])])
            let created = await call(router, .put, "/image-plant/tomato/", #"{"camera_id": 5, "gps_coordinates": [48.476563, 16.585654]}"#)
            #expect(created.status == 200)
            #expect(created.json?["id"] == .number(JSONNumber(text: "2")))
            #expect(created.json?["data"] == .string("ffd842"))
            #expect(created.json?["is_active"] == .bool(false))
            #expect(created.json?["disease"] == .null)

            let updated = await call(router, .post, "/image-plant/tomato", #"{"id": 2, "disease": "Leaf Mold", "percentage": 0.9, "is_active": true}"#)
            #expect(updated.status == 200)
            #expect(updated.json?["disease"] == .string("Leaf Mold"))
            #expect(updated.json?["is_active"] == .bool(true))
            #expect(updated.json?["camera_id"] == .number(JSONNumber(text: "5")))

            let deleted = await call(router, .delete, "/image-plant/tomato/2")
            #expect(deleted.json == (try JSONParser.parse(#"{"message":"Image deleted successfully"}"#)))
            #expect(await call(router, .get, "/image-plant/tomato/2").json?["is_deleted"] == .bool(true))
            #expect(await call(router, .delete, "/image-plant/tomato/3").status == 404)
            #expect(await call(router, .post, "/image-plant/tomato", #"{"id": 3, "is_active": true}"#).status == 404)
        }
    }

    @Test(arguments: stores) func rejectsBadBodiesWithoutTouchingTheStore(store: TestStore) async throws {
        try await withRouter(store) { router, repository in
            try await repository.insert(plant: .pepper, [Image.make(id: 1)])
            for (method, body, field) in [
                (HTTPMethod.put, #"{"camera_id": {"$gt": 0}, "gps_coordinates": [1, 2]}"#, "camera_id"),
                (.put, #"{"camera_id": 1, "gps_coordinates": [1, 200]}"#, "gps_coordinates[1]"),
                (.put, "not json", "body"),
                (.post, #"{"id": 1, "color": "red"}"#, "color"),
                (.post, #"{"id": 1, "percentage": 2}"#, "percentage"),
                (.post, #"{"id": {"$ne": 0}, "is_active": true}"#, "id"),
            ] {
                let answer = await call(router, method, "/image-plant/pepper/", body)
                #expect(answer.status == 422, "\(body)")
                #expect(detail(answer.json).hasPrefix(field), "\(body): \(detail(answer.json))")
            }
            #expect(try await repository.image(plant: .pepper, id: 1) == Image.make(id: 1))
            #expect(try await repository.total(plant: .pepper) == 1)
        }
    }

    @Test(arguments: stores) func listRandomAndDeployed(store: TestStore) async throws {
        try await withRouter(store) { router, repository in
            #expect(await call(router, .get, "/image-plant/is-deployed/").status == 404)
            #expect(await call(router, .get, "/image-plant/pepper/random/").status == 404)
            try await repository.insert(plant: .pepper, (1...5).map { Image.make(id: Int64($0), isActive: $0 == 4) })
            try await repository.setDeployed()
            #expect(await call(router, .get, "/image-plant/is-deployed").json == .object([("is_deployed", .bool(true))]))
            let page = await call(router, .get, "/image-plant/pepper/?from_id=2&limit=2")
            guard case .array(let images)? = page.json?["image_list"] else { Issue.record("no image_list"); return }
            #expect(images.map { $0["id"] } == [.number(JSONNumber(text: "2")), .number(JSONNumber(text: "3"))])
            #expect(page.json?["total_images"] == .number(JSONNumber(text: "5")))
            #expect(await call(router, .get, "/image-plant/pepper/random?is_active=true").json?["id"] == .number(JSONNumber(text: "4")))
        }
    }

    /// A list longer than a page is streamed page by page; collected, it is the same answer.
    @Test(arguments: stores) func aLongListIsStreamedAPageAtATime(store: TestStore) async throws {
        try await withRouter(store) { router, repository in
            try await repository.insert(plant: .tomato, (1...130).map { Image.make(id: Int64($0), isActive: $0 % 3 == 0) })
            for (target, ids, total) in [
                ("/image-plant/tomato/?from_id=3&limit=1000", Array(3...130), 130),
                ("/image-plant/tomato/?from_id=1&limit=60", Array(1...60), 130),
                ("/image-plant/tomato/?from_id=1&limit=50&is_active=true", Array(stride(from: 3, through: 130, by: 3)), 43),
                ("/image-plant/tomato/?from_id=1&limit=25", Array(1...25), 130),
                ("/image-plant/tomato/?from_id=200&limit=1000", [], 130),
            ] {
                let response = await router.respond(to: HTTPRequest(method: .get, target: target, headers: HTTPHeaders(), body: []))
                #expect(response.status.code == 200)
                var body = response.body
                var pieces = 0
                if let stream = response.stream {
                    while let piece = try await stream.next() {
                        body += piece
                        pieces += 1
                        #expect(piece.count < 64 * 1024, "a piece is a page")
                    }
                }
                // Streamed: more than a page asked for, and a full first page.
                #expect((response.stream != nil) == (!target.hasSuffix("limit=25") && ids.count >= 25), "\(target) streamed: \(response.stream != nil)")
                let json = try JSONParser.parse(body)
                guard case .array(let images)? = json["image_list"] else { Issue.record("no image_list in \(target)"); continue }
                #expect(images.map { $0["id"] } == ids.map { .number(JSONNumber(text: String($0))) }, "\(target)")
                #expect(json["total_images"] == .number(JSONNumber(text: String(total))), "\(target)")
                #expect(pieces == 0 || pieces == (ids.count + 24) / 25 + (ids.count % 25 == 0 ? 1 : 0), "\(target): \(pieces) pieces")
            }
        }
    }

    @Test func readOnlyServesNoWrites() async throws {
        try await withRouter(.postgres, access: .readOnly) { router, _ in
            #expect(await call(router, .put, "/image-plant/potato/", #"{"camera_id": 1, "gps_coordinates": [1, 2]}"#).status == 405)
            #expect(await call(router, .delete, "/image-plant/potato/1").status == 405)
            guard case .object(let paths)? = await call(router, .get, "/openapi.json").json?["paths"] else {
                Issue.record("no paths"); return
            }
            #expect(paths.allSatisfy { path in path.value["put"] == nil && path.value["post"] == nil && path.value["delete"] == nil })
        }
    }

    @Test func documentsEveryRoute() async throws {
        try await withRouter(.postgres) { router, _ in
            let document = await call(router, .get, "/openapi.json")
            #expect(document.json?["openapi"] == .string("3.1.0"))
            let page = await router.respond(to: HTTPRequest(method: .get, target: "/docs", headers: HTTPHeaders(), body: []))
            let html = String(decoding: page.body, as: UTF8.self)
            for path in ["/image-plant/{plant}/{image_id}", "/image-plant/{plant}/random/", "/image-plant/is-deployed/"] {
                #expect(html.contains(path))
            }
            #expect(!html.contains("http://") && !html.contains("https://"))
        }
    }
}
