import CRdKafka
import Logging

/// `rebalance_cb`, served by rd_kafka_consumer_poll or rd_kafka_consumer_close on the
/// consumer's queue. librdkafka stops fetching until it returns, and the callback must apply
/// the change itself: incremental (un)assign for the cooperative protocol, a full assign for
/// the eager one. `partitions` belongs to librdkafka.
func rebalanceCallback(_ handle: OpaquePointer?, _ event: rd_kafka_resp_err_t,
                       _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
                       _ opaque: UnsafeMutableRawPointer?) {
    guard let handle, let opaque else { return }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    // NULL while the consumer is closing (its group handle answers no more requests): then
    // the cooperative call is tried first and the eager one if librdkafka refuses it.
    let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) == "COOPERATIVE" }
    let changed = RDKafkaTopicPartitionList.partitions(of: partitions)
    let logger = callbacks.logger
    switch event {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        logger.debug("Partitions assigned", metadata: ["kafka.partitions": "\(changed)"])
        callbacks.rebalance?.partitionsAssigned(changed)
        apply(cooperative, incremental: { rd_kafka_incremental_assign(handle, partitions) },
              eager: { rd_kafka_assign(handle, partitions) }, logger: logger)
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        logger.debug("Partitions revoked", metadata: ["kafka.partitions": "\(changed)"])
        let offsets = callbacks.rebalance?.partitionsRevoking(changed) ?? []
        if rd_kafka_assignment_lost(handle) != 0 {
            logger.info("Partitions were lost before their offsets could be committed",
                        metadata: ["kafka.partitions": "\(changed)"])
        } else if !offsets.isEmpty {
            // Synchronous (async = 0): the partitions must not move before the commit landed.
            let commit = RDKafkaTopicPartitionList(offsets).withPointer { rd_kafka_commit(handle, $0, 0) }
            if commit != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.info("Commit before revocation failed", metadata: ["kafka.error": "\(KafkaError(commit))"])
            }
        }
        apply(cooperative, incremental: { rd_kafka_incremental_unassign(handle, partitions) },
              eager: { rd_kafka_assign(handle, nil) }, logger: logger)
    default:
        // librdkafka's documented reaction to a rebalance error: drop the whole assignment.
        logger.info("Rebalance failed", metadata: ["kafka.error": "\(KafkaError(event))"])
        report(rd_kafka_assign(handle, nil), to: logger)
    }
}

/// Applies a rebalance with the protocol's call; with the protocol unknown (nil), the
/// incremental call first and, if librdkafka refuses it, the eager one.
private func apply(_ cooperative: Bool?, incremental: () -> OpaquePointer?, eager: () -> rd_kafka_resp_err_t, logger: Logger) {
    switch cooperative {
    case true?: report(incremental(), to: logger)
    case false?: report(eager(), to: logger)
    case nil:
        guard let error = incremental() else { return }
        rd_kafka_error_destroy(error)
        report(eager(), to: logger)
    }
}

/// Logs the `rd_kafka_error_t` an incremental (un)assign returned, if any, and frees it: it
/// is ours to destroy.
private func report(_ error: OpaquePointer?, to logger: Logger) {
    guard let error else { return }
    logger.info("Applying a rebalance failed", metadata: ["kafka.error": "\(KafkaError(error: error))"])
    rd_kafka_error_destroy(error)
}

/// Logs the error code an eager assign returned, if any.
private func report(_ code: rd_kafka_resp_err_t, to logger: Logger) {
    guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
    logger.info("Applying a rebalance failed", metadata: ["kafka.error": "\(KafkaError(code))"])
}
