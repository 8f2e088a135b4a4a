import HTTP
import HTTPClient
import JSON

/// JSON over HTTP to one service (image-api or the image analyzer), with its bearer token:
/// every non-2xx answer and every transport failure becomes a `JobsError` naming the call.
/// Outages (no connection, 5xx) are logged once each through `OutageLog`.
struct ServiceCaller: Sendable {
    /// The service's name for messages, e.g. `image-api`.
    let name: String
    let client: HTTPClient
    let token: String?
    let outage: OutageLog

    /// Sends `body` (JSON) and returns the parsed JSON answer; nil for a 404 when `allowNotFound`.
    func call(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil,
              allowNotFound: Bool = false) async throws(JobsError) -> JSONValue? {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        if let token, method != .get { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let what = "\(name) \(method.rawValue) \(path)"
        do {
            let answer = try await exchange(method, path, headers: headers, body: body, allowNotFound: allowNotFound, what: what)
            outage.succeeded()
            return answer
        } catch {
            if error.isOutage { outage.failed(error) } else { outage.succeeded() }
            throw error
        }
    }

    private func exchange(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: JSONValue?,
                          allowNotFound: Bool, what: String) async throws(JobsError) -> JSONValue? {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(method, path, headers: headers, body: body?.serialized ?? [])
        } catch {
            throw JobsError(.unreachable, "\(what): \(name) unreachable at \(client.host):\(client.port): \(error)")
        }
        if response.status == 404 && allowNotFound { return nil }
        guard (200..<300).contains(response.status) else {
            let detail = (try? JSONParser.parse(response.body))?["detail"].flatMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            } ?? String(response.text.prefix(200))
            throw JobsError(.status, "\(what) answered \(response.status): \(detail)", status: response.status)
        }
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw JobsError(.invalidResponse, "\(what) answered invalid JSON: \(error)")
        }
    }
}
