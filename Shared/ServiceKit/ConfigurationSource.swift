import Foundation
import JSON

/// Where a setting comes from, highest precedence first: a command-line flag, an environment
/// variable `LEAFSYNC_<KEY>`, the config file chosen by `ENV=dev|stg|prod`
/// (`<config-dir>/config.<env>.json`, as LIMS did), then the built-in default.
public struct ConfigurationSource: Sendable {
    private let environment: [String: String]
    private let file: [(key: String, value: JSONValue)]
    /// The file that was loaded, if any (for the startup log line).
    public let filePath: String?

    /// - Parameters:
    ///   - configDirectory: where `config.<env>.json` lives; `LEAFSYNC_CONFIG_DIR` or `config` when nil.
    /// - Throws: `ConfigurationError` when `ENV` names a file that is missing or not a JSON object.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, configDirectory: String? = nil) throws {
        self.environment = environment
        guard let env = environment["ENV"], !env.isEmpty else {
            file = []
            filePath = nil
            return
        }
        guard ["dev", "stg", "prod"].contains(env) else {
            throw ConfigurationError(key: "ENV", message: "must be dev, stg or prod, not \"\(env)\"")
        }
        let directory = configDirectory ?? environment["LEAFSYNC_CONFIG_DIR"] ?? "config"
        let path = "\(directory)/config.\(env).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: "ENV", message: "ENV=\(env) but \(path) does not exist")
        }
        guard case .object(let members) = try? JSONParser.parse(Array(data)) else {
            throw ConfigurationError(key: "ENV", message: "\(path) is not a JSON object")
        }
        file = members
        filePath = path
    }

    /// The environment variable that sets `key`: `store_url` → `LEAFSYNC_STORE_URL`.
    public static func environmentName(_ key: String) -> String { "LEAFSYNC_" + key.uppercased() }

    /// The raw text of a setting from the environment or the file, nil when neither sets it.
    private func lookup(_ key: String) -> String? {
        if let value = environment[Self.environmentName(key)] { return value }
        switch file.first(where: { $0.key == key })?.value {
        case .string(let s): return s
        case .number(let n): return n.text
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    public func string(_ key: String, flag: String?, default value: String) -> String {
        flag ?? lookup(key) ?? value
    }

    public func optionalString(_ key: String, flag: String?) -> String? {
        flag ?? lookup(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func int(_ key: String, flag: Int?, default value: Int) throws -> Int {
        if let flag { return flag }
        guard let text = lookup(key) else { return value }
        guard let int = Int(text) else { throw ConfigurationError(key: key, message: "must be an integer, not \"\(text)\"") }
        return int
    }

    /// A duration from 0 to `maxSeconds`, from the flag or the environment; anything else
    /// (negative, NaN, infinite, absurdly large) is refused before it reaches arithmetic that
    /// would trap.
    public func seconds(_ key: String, flag: Double?, default value: Double) throws -> Duration {
        try optionalSeconds(key, flag: flag) ?? Self.duration(key, value)
    }

    /// Like `seconds`, for a setting that is off unless the flag or the environment sets it.
    public func optionalSeconds(_ key: String, flag: Double?) throws -> Duration? {
        if let flag { return try Self.duration(key, flag) }
        guard let text = lookup(key) else { return nil }
        guard let parsed = Double(text) else {
            throw ConfigurationError(key: key, message: "must be a number of seconds, not \"\(text)\"")
        }
        return try Self.duration(key, parsed)
    }

    private static func duration(_ key: String, _ seconds: Double) throws -> Duration {
        guard seconds.isFinite, seconds >= 0, seconds <= maxSeconds else {
            throw ConfigurationError(key: key, message: "must be a number of seconds from 0 to \(Int(maxSeconds)) (ten years), not \(seconds)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Ten years: longer than any timeout, interval or margin means, short enough for any arithmetic.
    public static let maxSeconds: Double = 315_360_000
}

/// A setting with a value that cannot be used.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let key: String
    public let message: String
    public var description: String { "configuration \(key): \(message)" }
}
