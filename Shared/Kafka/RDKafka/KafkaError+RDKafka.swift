import CRdKafka

extension KafkaError {
    /// An error from an `rd_kafka_resp_err_t`, with librdkafka's description when `message` is nil.
    init(_ error: rd_kafka_resp_err_t, message: String? = nil) {
        self.init(code: Self.code(of: error), nativeCode: error.rawValue,
                  nativeName: String(cString: rd_kafka_err2name(error)),
                  message: message ?? String(cString: rd_kafka_err2str(error)),
                  isRetriable: Self.retriableErrors.contains(error.rawValue))
    }

    /// An error from an `rd_kafka_error_t`, which carries its own retriable and fatal flags.
    /// The object stays the caller's to destroy.
    init(error: OpaquePointer) {
        let code = rd_kafka_error_code(error)
        self.init(code: rd_kafka_error_is_fatal(error) != 0 ? .fatal : Self.code(of: code),
                  nativeCode: code.rawValue, nativeName: String(cString: rd_kafka_error_name(error)),
                  message: String(cString: rd_kafka_error_string(error)),
                  isRetriable: rd_kafka_error_is_retriable(error) != 0)
    }

    /// The error of a client whose operation failed with `_FATAL`: librdkafka keeps the
    /// underlying cause in the handle.
    static func fatal(of handle: OpaquePointer) -> KafkaError {
        var reason = ErrorBuffer()
        let cause = rd_kafka_fatal_error(handle, &reason.bytes, reason.bytes.count)
        return KafkaError(code: .fatal, nativeCode: cause.rawValue,
                          nativeName: String(cString: rd_kafka_err2name(cause)),
                          message: reason.message)
    }

    private static func code(of error: rd_kafka_resp_err_t) -> Code {
        switch error {
        case RD_KAFKA_RESP_ERR__FATAL: .fatal
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: .timedOut
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
             RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION: .transport
        case RD_KAFKA_RESP_ERR__DESTROY: .closed
        default: error.rawValue < 0 ? .client : .broker
        }
    }

    /// Errors with which a broker (or librdkafka) refuses one message for good: no retry of
    /// the same message can succeed until an operator changes a limit or a permission.
    static let messageRejections: Set<Int32> = Set([
        RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
        RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT,
        RD_KAFKA_RESP_ERR_POLICY_VIOLATION, RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR__INVALID_ARG,
    ].map(\.rawValue))

    /// Errors that may go away when tried again: lost leaders and connections, timeouts, full
    /// queues, the broker's own retriable errors.
    private static let retriableErrors: Set<Int32> = Set([
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT,
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__RESOLVE,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
    ].map(\.rawValue))
}
