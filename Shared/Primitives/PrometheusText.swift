/// One scrape of a `/metrics` page (Prometheus text exposition format), parsed into samples:
/// the one reader of it for the tests, the experiment and, through `sync-bench metrics`, the
/// scripts.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Hashable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public let samples: [Sample]

    /// Parses the text format; comment lines and lines that do not parse are skipped.
    public init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { Self.sample($0) }
    }

    /// The series of `name` whose labels include `labels`.
    public func series(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The sum of every series of `name` whose labels include `labels`; 0 when there is none.
    public func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        series(name, labels).reduce(0) { $0 + $1.value }
    }

    /// `name{a="x",b="y\"z"} 12.5`, `name 12.5`, or either with a timestamp after the value.
    private static func sample(_ line: Substring) -> Sample? {
        guard !line.hasPrefix("#") else { return nil }
        var rest = line[...]
        let name = rest.prefix { $0 != "{" && $0 != " " }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            guard let parsed = Self.labels(&rest) else { return nil }
            labels = parsed
        }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count), let value = Self.value(fields[0]) else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }

    /// The label pairs up to and including the closing brace, consumed from `rest`; nil if malformed.
    private static func labels(_ rest: inout Substring) -> [String: String]? {
        var labels: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == "," || $0 == " " }
            if rest.first == "}" { rest = rest.dropFirst(); return labels }
            let key = rest.prefix { $0 != "=" }
            rest = rest.dropFirst(key.count)
            guard !key.isEmpty, rest.first == "=", rest.dropFirst().first == "\"" else { return nil }
            rest = rest.dropFirst(2)
            var value = ""
            var escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped {
                    value.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    value.append(character)
                }
            }
            labels[String(key)] = value
        }
    }

    /// A sample value: a float, `+Inf`, `-Inf` or `NaN`.
    private static func value(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }
}
