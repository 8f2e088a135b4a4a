import HTTP
import Logging
import Routing
import Testing

@Suite("Router: matching")
struct RouterTests {
    private func router(_ configure: (RouterBuilder) -> Void) -> Router {
        let builder = RouterBuilder(logger: Logger(label: "RoutingTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        configure(builder)
        return builder.buildResponder()
    }

    /// A handler answering with the template and its parameters, e.g. `/a/{x} x=1`.
    private let describe: RouteHandler = { request, context in
        let parameters = context.parameters.names.map { "\($0)=\(context.parameters[$0] ?? "")" }
        return .text(([context.routeTemplate] + parameters).joined(separator: " "))
    }

    @Test func pathParametersArePercentDecoded() async {
        let router = router { $0.get("/image-plant/{plant}/{image_id}", use: describe) }
        let response = await router.respond(to: .make("/image-plant/basil%20green/42"))
        #expect(response.status == .ok)
        #expect(response.text == "/image-plant/{plant}/{image_id} plant=basil green image_id=42")
    }

    @Test func queryDoesNotTakePartInMatching() async {
        let router = router { $0.get("/ping", use: describe) }
        #expect(await router.respond(to: .make("/ping?x=1")).text == "/ping")
    }

    @Test(arguments: ["/ping", "/ping/"])
    func trailingSlashIsTheSameRoute(path: String) async {
        let router = router { $0.get("/ping", use: describe) }
        #expect(await router.respond(to: .make(path)).status == .ok)
    }

    @Test func templateWithTrailingSlashMatchesWithout() async {
        let router = router { $0.get("/list/", use: describe) }
        #expect(await router.respond(to: .make("/list")).status == .ok)
    }

    @Test func rootPath() async {
        let router = router { $0.get("/", use: describe) }
        #expect(await router.respond(to: .make("/")).text == "/")
    }

    @Test func staticSegmentBeatsParameter() async {
        let router = router {
            $0.get("/image-plant/{plant}/{image_id}", use: describe)
            $0.get("/image-plant/{plant}/total", use: describe)
        }
        #expect(await router.respond(to: .make("/image-plant/basil/total")).text == "/image-plant/{plant}/total plant=basil")
        #expect(await router.respond(to: .make("/image-plant/basil/7")).text
            == "/image-plant/{plant}/{image_id} plant=basil image_id=7")
    }

    @Test func literalBranchFallsBackToParameter() async {
        let router = router {
            $0.get("/a/static/end", use: describe)
            $0.get("/a/{x}/other", use: describe)
        }
        #expect(await router.respond(to: .make("/a/static/other")).text == "/a/{x}/other x=static")
    }

    @Test func unknownPathIs404() async {
        let router = router { $0.get("/ping", use: describe) }
        let response = await router.respond(to: .make("/pong"))
        #expect(response.status == .notFound)
        #expect(response.text == #"{"detail":"Not Found"}"#)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(await router.respond(to: .make("/ping/extra")).status == .notFound)
        #expect(await router.respond(to: .make("/ping//")).status == .notFound)
    }

    @Test func otherMethodIs405WithAllow() async {
        let router = router {
            $0.get("/thing/{id}", use: describe)
            $0.put("/thing/{id}", use: describe)
        }
        let response = await router.respond(to: .make(.post, "/thing/1"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.text == #"{"detail":"Method Not Allowed"}"#)
        #expect(response.headers["Allow"] == "GET, HEAD, PUT")
    }

    @Test func headRunsTheGetHandler() async {
        let router = router { $0.get("/page", use: describe) }
        let response = await router.respond(to: .make(.head, "/page"))
        #expect(response.status == .ok)
        #expect(response.text == "/page")
    }

    @Test func explicitHeadHandlerWins() async {
        let router = router {
            $0.get("/page", use: describe)
            $0.head("/page") { _, _ in HTTPResponse(status: .noContent) }
        }
        #expect(await router.respond(to: .make(.head, "/page")).status == .noContent)
    }

    @Test func middlewaresRunInOrderAfterRoutingAndAroundUnmatched() async {
        let trace = Trace()
        let router = router {
            $0.add(middleware: TracingMiddleware(name: "first", trace: trace))
            $0.add(middleware: TracingMiddleware(name: "second", trace: trace))
            $0.get("/x/{id}") { _, context in
                trace.append("handler \(context.parameters["id"] ?? "")")
                return HTTPResponse()
            }
        }
        _ = await router.respond(to: .make("/x/9"))
        _ = await router.respond(to: .make("/nowhere"))
        _ = await router.respond(to: .make(.delete, "/x/9"))
        #expect(trace.all == [
            "first /x/{id}", "second /x/{id}", "handler 9",
            "first unmatched", "second unmatched",
            "first unmatched", "second unmatched",
        ])
    }
}
