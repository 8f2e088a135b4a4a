import HTTP
import Routing

/// Serves `/openapi.json` and the `/docs` page; both are rendered once at startup.
public struct DocsController: Sendable {
    private let document: [UInt8]
    private let page: String

    public init(title: String, access: ImageController.Access) {
        document = OpenAPIDocument.json(title: title, access: access)
        page = APIDocsPage.html(openAPI: document)
    }

    public func register(on router: RouterBuilder) {
        let document = self.document
        let page = self.page
        router.get("/openapi.json") { _, _ in .json(document) }
        router.get("/docs") { _, _ in .html(page) }
    }
}
