import HTTP
import Routing
import Testing

@Suite("QueryParameters")
struct QueryParametersTests {
    @Test func percentDecodingAndPlus() {
        let query = QueryParameters("name=basil+green&note=caf%C3%A9%26more&empty=&flag")
        #expect(query["name"] == "basil green")
        #expect(query["note"] == "café&more")
        #expect(query["empty"] == "")
        #expect(query["flag"] == "")
        #expect(query["missing"] == nil)
    }

    @Test func repeatedNamesKeepOrder() {
        let query = QueryParameters("tag=a&x=1&tag=b&tag=c")
        #expect(query["tag"] == "a")
        #expect(query.values(for: "tag") == ["a", "b", "c"])
        #expect(query.names == ["tag", "x"])
    }

    @Test func encodedNamesAndLiteralPlusSign() {
        let query = QueryParameters("a%20b=1%2B1")
        #expect(query["a b"] == "1+1")
    }

    @Test func brokenEscapesStayRaw() {
        let query = QueryParameters("bad=%zz&cut=%4")
        #expect(query["bad"] == "%zz")
        #expect(query["cut"] == "%4")
    }

    @Test func emptyAndMissingQueries() {
        #expect(QueryParameters(nil).names.isEmpty)
        #expect(QueryParameters("").names.isEmpty)
        #expect(QueryParameters("&&").names.isEmpty)
    }

    @Test func requestExposesItsQuery() {
        let request = HTTPRequest.make("/images?plant=mint&limit=10")
        #expect(request.queryParameters["plant"] == "mint")
        #expect(request.queryParameters["limit"] == "10")
        #expect(HTTPRequest.make("/images").queryParameters.names.isEmpty)
    }
}
