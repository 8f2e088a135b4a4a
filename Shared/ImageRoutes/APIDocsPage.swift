import JSON

/// A self-contained HTML page listing the operations of an OpenAPI document (no scripts, no
/// CDN: the machines this runs on have no internet).
public enum APIDocsPage {
    public static func html(openAPI document: [UInt8]) -> String {
        guard let root = try? JSONParser.parse(document), case .object(let paths)? = root["paths"] else {
            return "<!doctype html><title>API</title><p>No API description.</p>"
        }
        let title = escape(root["info"]?["title"].flatMap(stringValue) ?? "API")
        var rows = ""
        for (path, item) in paths {
            guard case .object(let operations) = item else { continue }
            for (method, operation) in operations where method != "parameters" {
                let summary = escape(operation["summary"].flatMap(stringValue) ?? "")
                let statuses: String
                if case .object(let responses)? = operation["responses"] {
                    statuses = responses.map(\.key).joined(separator: " ")
                } else { statuses = "" }
                let lock = operation["security"] == nil ? "" : " 🔒"
                rows += "<tr><td class=m>\(method.uppercased())</td><td><code>\(escape(path))</code>\(lock)</td>"
                    + "<td>\(summary)</td><td>\(statuses)</td></tr>\n"
            }
        }
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(title)</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2b1f}table{border-collapse:collapse}
        td,th{border-bottom:1px solid #cdd;padding:.4rem .8rem;text-align:left;vertical-align:top}
        .m{font-weight:700;color:#2f6b3a}code{font-size:1rem}</style></head>
        <body><h1>\(title)</h1>
        <p>Machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
        Paths also answer without the trailing slash. Errors are JSON <code>{"detail": "..."}</code>.
        🔒 marks writes that need <code>Authorization: Bearer &lt;token&gt;</code> when the service has a token.</p>
        <table><tr><th>Method</th><th>Path</th><th>What it does</th><th>Statuses</th></tr>
        \(rows)</table></body></html>
        """
    }

    private static func stringValue(_ value: JSONValue) -> String? {
        if case .string(let s) = value { return s }
        return nil
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
