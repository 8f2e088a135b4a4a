import CMongoC
import Logging

/// Process-wide libmongoc setup.
enum MongoLibrary {
    /// Evaluated once, on first use (Swift initializes a static `let` lazily and thread-safely).
    /// `mongoc_cleanup` is deliberately never called: it is unsafe while any pool exists and
    /// the process exit releases everything anyway.
    static let initialized: Void = {
        // Before mongoc_init, so that even its first warnings ("Falling back to malloc for
        // counters" in containers) go to swift-log rather than straight to stderr.
        mongoc_log_set_handler(forwardLog, nil)
        mongoc_init()
    }()

    /// libmongoc's handler is process-wide and takes no Swift context, so it logs through one
    /// logger created after the application bootstrapped swift-log (on first pool creation).
    fileprivate static let logger = Logger(label: "mongoc")
}

/// Matches `mongoc_log_func_t`. libmongoc calls it from any of its threads; it logs directly
/// (no buffering as with librdkafka's callbacks) because a swift-log `Logger` is thread-safe
/// and never calls back into libmongoc. Driver warnings are logged at `info` at most, as a
/// library should; the original level is kept in the metadata.
private func forwardLog(_ level: mongoc_log_level_t, _ domain: UnsafePointer<CChar>?,
                        _ message: UnsafePointer<CChar>?, _ userData: UnsafeMutableRawPointer?) {
    let (swiftLevel, name): (Logger.Level, String) = switch level {
    case MONGOC_LOG_LEVEL_ERROR: (.info, "error")
    case MONGOC_LOG_LEVEL_CRITICAL: (.info, "critical")
    case MONGOC_LOG_LEVEL_WARNING: (.info, "warning")
    case MONGOC_LOG_LEVEL_MESSAGE: (.debug, "message")
    case MONGOC_LOG_LEVEL_INFO: (.debug, "info")
    case MONGOC_LOG_LEVEL_DEBUG: (.trace, "debug")
    default: (.trace, "trace")
    }
    MongoLibrary.logger.log(level: swiftLevel, "\(message.map { String(cString: $0) } ?? "")",
                            metadata: ["mongoc.level": "\(name)",
                                       "mongoc.domain": "\(domain.map { String(cString: $0) } ?? "")"])
}
