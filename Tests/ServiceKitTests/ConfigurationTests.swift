import ArgumentParser
import Foundation
import ServiceKit
import Testing

@Suite struct ConfigurationTests {
    /// A folder with `config.<env>.json` holding `json`.
    private func configDirectory(env: String, json: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leafsync-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try json.write(toFile: "\(directory)/config.\(env).json", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let directory = try configDirectory(env: "stg", json: #"{"port": 7001, "host": "0.0.0.0", "log_level": "debug", "max_connections": 5}"#)
        let environment = ["ENV": "stg", "LEAFSYNC_CONFIG_DIR": directory, "LEAFSYNC_PORT": "7002", "LEAFSYNC_HOST": "10.0.0.1"]
        let settings = try ServerOptions.parse(["--host", "127.0.0.2"]).resolve(defaultPort: 8080, environment: environment)
        #expect(settings.host == "127.0.0.2")          // flag
        #expect(settings.port == 7002)                 // environment
        #expect(settings.logLevel == .debug)           // file
        #expect(settings.maxConnections == 5)          // file
        #expect(settings.maxBodyBytes == 1 << 20)      // default
        #expect(settings.source.filePath == "\(directory)/config.stg.json")
    }

    @Test func withoutENVNoFileIsRead() throws {
        let settings = try ServerOptions.parse([]).resolve(defaultPort: 8080, environment: [:])
        #expect(settings.port == 8080 && settings.host == "127.0.0.1" && settings.apiToken == nil)
        #expect(settings.source.filePath == nil)
    }

    @Test(arguments: [
        ["ENV": "qa"],
        ["ENV": "prod", "LEAFSYNC_CONFIG_DIR": "/nonexistent"],
        ["LEAFSYNC_PORT": "eighty"],
        ["LEAFSYNC_LOG_LEVEL": "loud"],
        ["LEAFSYNC_IDLE_TIMEOUT": "-1"],
        ["LEAFSYNC_IDLE_TIMEOUT": "inf"],
        ["LEAFSYNC_IDLE_TIMEOUT": "nan"],
        ["LEAFSYNC_IDLE_TIMEOUT": "1e300"],
        ["LEAFSYNC_IDLE_TIMEOUT": "315360000.5"],
    ])
    func invalidSettingsAreErrors(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try ServerOptions.parse([]).resolve(defaultPort: 8080, environment: environment) }
    }

    /// Flags are checked like the environment: a negative or absurd number of seconds was
    /// converted unchecked and trapped.
    @Test(arguments: ["--idle-timeout=-1", "--idle-timeout=inf", "--header-timeout=1e19", "--shutdown-grace=nan"])
    func invalidSecondsFlagsAreErrors(flag: String) {
        #expect(throws: ConfigurationError.self) { try ServerOptions.parse([flag]).resolve(defaultPort: 8080, environment: [:]) }
    }

    @Test func secondsBecomeDurationsInTheHTTPConfiguration() throws {
        let settings = try ServerOptions.parse([]).resolve(defaultPort: 1, environment: ["LEAFSYNC_IDLE_TIMEOUT": "2.5", "LEAFSYNC_HEADER_TIMEOUT": "1"])
        #expect(settings.httpConfiguration.limits.idleTimeout == .milliseconds(2500))
        #expect(settings.httpConfiguration.limits.headerReadTimeout == .seconds(1))
    }

    @Test(arguments: [
        ("postgres://app:secret@db:5432/x", "postgres://app:***@db:5432/x"),
        ("mongodb://user:p%40ss@h1:27017,h2:27017/db?replicaSet=r", "mongodb://user:***@h1:27017,h2:27017/db?replicaSet=r"),
        ("postgres://app@db/x", "postgres://app@db/x"),
        ("mongodb://127.0.0.1:27017/db", "mongodb://127.0.0.1:27017/db"),
    ])
    func redactsPasswords(url: String, shown: String) {
        #expect(redactingPassword(url) == shown)
    }
}
