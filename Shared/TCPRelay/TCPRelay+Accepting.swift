#if canImport(Glibc)
import Glibc
#endif

extension TCPRelay {
    /// The accept thread's loop: relays each new connection, or resets it while blocked, until
    /// `stop()` shuts the listener down.
    func acceptConnections(on listener: BlockingSocket) {
        while true {
            let client: BlockingSocket
            do throws(TCPRelayError) {
                client = try listener.accept()
            } catch {
                if lock.withLock({ state.isStopping }) { return }
                switch error.errno {
                case ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: back off rather than spin on the same error.
                    logger.info("relay cannot accept for now", metadata: ["error": "\(error)"])
                    _ = poll(nil, 0, 100)
                    continue
                default:
                    logger.info("relay stops accepting", metadata: ["error": "\(error)"])
                    return
                }
            }
            tally.accepted()
            relay(client)
            joinFinishedConnections()
        }
    }

    /// Connects `client` to the target and starts relaying, or resets it when blocked,
    /// stopping or the target is unreachable.
    private func relay(_ client: BlockingSocket) {
        guard lock.withLock({ !state.isBlocked && !state.isStopping }) else {
            reject(client)
            return
        }
        let target: BlockingSocket
        do throws(TCPRelayError) {
            target = try BlockingSocket.connect(host: targetHost, port: targetPort, timeout: connectTimeout)
        } catch {
            logger.info("relay cannot reach its target; resetting the client", metadata: ["error": "\(error)"])
            reject(client)
            return
        }
        lock.lock()
        defer { lock.unlock() }
        // Checked again: block() or stop() may have run while connecting.
        guard !state.isBlocked, !state.isStopping else {
            target.close()
            reject(client)
            return
        }
        let id = state.nextID
        state.nextID += 1
        let connection = RelayConnection(
            id: id, threadPrefix: Self.threadPrefix(port: state.boundPort ?? 0), client: client, target: target, filter: makeFilter?(),
            logger: logger, counted: { [tally] direction, count in tally.add(count, direction) },
            finished: { [tally] connection in tally.closed(connection.id) })
        // Registered and started under the lock, so block() and stop() always see it with its
        // threads; `finished` takes only the tally's lock, so it may run from here.
        state.connections[id] = connection
        tally.opened()
        do throws(TCPRelayError) {
            try connection.start()
        } catch {
            state.connections[id] = nil
            tally.closed(id)
            tally.rejected()
            logger.info("relay cannot start a connection", metadata: ["error": "\(error)"])
        }
    }

    /// Closes an accepted connection at once with RST, so its client sees a reset.
    private func reject(_ client: BlockingSocket) {
        client.resetOnClose()
        client.close()
        tally.rejected()
    }

    /// Joins the threads of connections that have closed, so ended threads do not pile up.
    func joinFinishedConnections() {
        let ids = tally.takeFinished()
        guard !ids.isEmpty else { return }
        let finished = lock.withLock { ids.compactMap { state.connections.removeValue(forKey: $0) } }
        for connection in finished { connection.join() }
    }
}
