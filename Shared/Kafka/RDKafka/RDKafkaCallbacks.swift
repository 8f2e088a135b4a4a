import CRdKafka
import Foundation
import Logging

/// What one client's librdkafka callbacks report to. librdkafka gets it as the conf opaque,
/// unretained: the owning `RDKafkaClient` keeps it alive and destroys the handle (after which
/// librdkafka never calls back) before releasing it.
final class RDKafkaCallbacks: @unchecked Sendable {
    // @unchecked Sendable: the `let`s are immutable and Sendable themselves; `deliveries` is
    // touched only by the delivery report callback, which librdkafka calls inside
    // rd_kafka_poll/rd_kafka_flush, and by `drainDeliveries`, and the producer makes all of
    // those calls on its one serial queue.
    let logger: Logger
    let statistics: AsyncStream<KafkaStatistics>.Continuation?
    let rebalance: KafkaRebalanceHandler?
    private var deliveries: [DeliveryReport] = []

    /// One delivery report: the message's ticket (`Unmanaged<DeliveryTicket>`, still retained)
    /// and where the message went or why it failed.
    struct DeliveryReport {
        let ticket: UnsafeMutableRawPointer
        let result: Result<KafkaDelivery, KafkaError>
    }

    init(logger: Logger, statistics: AsyncStream<KafkaStatistics>.Continuation?,
         rebalance: KafkaRebalanceHandler? = nil) {
        self.logger = logger
        self.statistics = statistics
        self.rebalance = rebalance
    }

    /// Installs the callbacks a client of `kind` gets, with this object as the opaque. Each
    /// role's own callback only: librdkafka warns at startup about a consumer callback on a
    /// producer handle, which an admin client is.
    func install(on conf: OpaquePointer, kind: RDKafkaClient.Kind) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, logCallback)
        rd_kafka_conf_set_error_cb(conf, errorCallback)
        if statistics != nil { rd_kafka_conf_set_stats_cb(conf, statisticsCallback) }
        switch kind {
        case .producer: rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback)
        case .consumer: rd_kafka_conf_set_offset_commit_cb(conf, offsetCommitCallback)
        case .admin: break
        }
        if rebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback) }
    }

    /// The delivery reports received since the last call (see the type's comment for why no lock).
    func drainDeliveries() -> [DeliveryReport] {
        defer { deliveries.removeAll(keepingCapacity: true) }
        return deliveries
    }

    fileprivate func append(_ report: DeliveryReport) { deliveries.append(report) }

    fileprivate static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbacks? {
        opaque.map { Unmanaged<RDKafkaCallbacks>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// `log_cb`. librdkafka calls it from any of its threads, so it logs directly instead of
/// buffering: a swift-log `Logger` is thread-safe and never calls back into librdkafka. A
/// library logs at `info` at most; the syslog level stays in the metadata.
private func logCallback(_ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?,
                         _ message: UnsafePointer<CChar>?) {
    guard let handle, let callbacks = RDKafkaCallbacks.from(rd_kafka_opaque(handle)) else { return }
    let swiftLevel: Logger.Level = switch level {
    case ...4: .info // emerg, alert, crit, err, warning
    case 5, 6: .debug // notice, info
    default: .trace
    }
    callbacks.logger.log(level: swiftLevel, "\(message.map { String(cString: $0) } ?? "")", metadata: [
        "kafka.log.level": "\(level)", "kafka.log.facility": "\(facility.map { String(cString: $0) } ?? "")",
        "kafka.client": "\(String(cString: rd_kafka_name(handle)))",
    ])
}

/// `error_cb`, served by rd_kafka_poll: errors not tied to an operation (all brokers down, a
/// fatal idempotence error). librdkafka recovers from the non-fatal ones by itself.
private func errorCallback(_ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?,
                           _ opaque: UnsafeMutableRawPointer?) {
    guard let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    let error = rd_kafka_resp_err_t(rawValue: code)
    let kafkaError = error == RD_KAFKA_RESP_ERR__FATAL && handle != nil ? KafkaError.fatal(of: handle!)
        : KafkaError(error, message: reason.map { String(cString: $0) })
    callbacks.logger.info("librdkafka reported an error", metadata: [
        "kafka.error": "\(kafkaError)", "kafka.error.fatal": "\(kafkaError.isFatal)",
    ])
}

/// `stats_cb`, served by rd_kafka_poll. Returning 0 tells librdkafka to free `json` itself.
private func statisticsCallback(_ handle: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int,
                                _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let callbacks = RDKafkaCallbacks.from(opaque), let json else { return 0 }
    do {
        let statistics = try KafkaStatistics(json: Data(bytes: json, count: length))
        callbacks.statistics?.yield(statistics)
    } catch {
        callbacks.logger.debug("Ignoring unreadable librdkafka statistics", metadata: ["kafka.error": "\(error)"])
    }
    return 0
}

/// `offset_commit_cb`, served by rd_kafka_consumer_poll: the only report of a commit that
/// nobody waited for. `_NO_OFFSET` means there was nothing to commit.
private func offsetCommitCallback(_ handle: OpaquePointer?, _ error: rd_kafka_resp_err_t,
                                  _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
                                  _ opaque: UnsafeMutableRawPointer?) {
    guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != RD_KAFKA_RESP_ERR__NO_OFFSET,
          let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    callbacks.logger.info("Offset commit failed; a later commit covers these partitions", metadata: [
        "kafka.error": "\(KafkaError(error))",
        "kafka.partitions": "\(RDKafkaTopicPartitionList.partitions(of: offsets))",
    ])
}

/// `dr_msg_cb`, served by rd_kafka_poll/rd_kafka_flush on the producer's queue. The message
/// belongs to librdkafka and is freed after the call: only copies are kept.
private func deliveryCallback(_ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?,
                              _ opaque: UnsafeMutableRawPointer?) {
    guard let callbacks = RDKafkaCallbacks.from(opaque), let message, let ticket = message.pointee._private else { return }
    let report = message.pointee
    let result: Result<KafkaDelivery, KafkaError> = switch report.err {
    case RD_KAFKA_RESP_ERR_NO_ERROR: .success(KafkaDelivery(partition: report.partition, offset: report.offset))
    case RD_KAFKA_RESP_ERR__FATAL where handle != nil: .failure(.fatal(of: handle!))
    default: .failure(KafkaError(report.err))
    }
    callbacks.append(.init(ticket: ticket, result: result))
}
