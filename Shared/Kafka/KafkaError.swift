/// Why a Kafka operation failed: what kind of failure, librdkafka's `rd_kafka_resp_err_t` value
/// and name, and the message.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A configuration property was unknown or had an invalid value; the message names it.
        case configuration
        /// The librdkafka loaded at run time is too old to talk to modern brokers.
        case unsupportedLibrary
        /// No broker could be reached, or the connection was lost.
        case transport
        /// The operation did not complete in time (including a message that was never acked).
        case timedOut
        /// A broker rejected the request; `nativeCode` is the Kafka protocol error code.
        case broker
        /// librdkafka refused the operation locally (full queue, unknown partition...).
        case client
        /// The client hit a fatal error (idempotent producer fenced, sequence gap): it must be
        /// closed and recreated.
        case fatal
        /// A reply (statistics JSON, metadata) could not be read.
        case invalidResponse
        /// The client was closed.
        case closed
    }

    public let code: Code
    /// The `rd_kafka_resp_err_t` value: negative for librdkafka's local errors, positive for
    /// broker errors, 0 for errors raised by this wrapper.
    public let nativeCode: Int32
    /// librdkafka's name for `nativeCode` (`NOT_LEADER_FOR_PARTITION`, `_MSG_TIMED_OUT`), empty
    /// for errors raised by this wrapper.
    public let nativeName: String
    public let message: String
    /// Trying the same operation again may succeed (librdkafka has already retried what it
    /// retries by itself).
    public let isRetriable: Bool
    /// The client cannot be used any more.
    public var isFatal: Bool { code == .fatal }
    /// The message it failed will never be accepted as it is (too large, invalid,
    /// unauthorized): retrying it can only block what comes after it.
    public var rejectsMessageForGood: Bool { !isFatal && !isRetriable && Self.messageRejections.contains(nativeCode) }

    public init(code: Code, nativeCode: Int32 = 0, nativeName: String = "", message: String,
                isRetriable: Bool = false) {
        self.code = code
        self.nativeCode = nativeCode
        self.nativeName = nativeName
        self.message = message
        self.isRetriable = isRetriable
    }

    public var description: String {
        nativeName.isEmpty ? "Kafka \(code.rawValue) error: \(message)"
            : "Kafka \(code.rawValue) error \(nativeName) (\(nativeCode)): \(message)"
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: .closed, message: "the Kafka \(what) is closed")
    }
}
