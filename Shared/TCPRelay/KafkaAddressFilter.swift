import Foundation
import Logging

/// Follows the Kafka frames of one relayed connection and rewrites the broker addresses in
/// Metadata and FindCoordinator responses (`KafkaAddressRewrite`); every other byte passes
/// through as it comes, a large fetch response included, without waiting for its end.
///
/// Requests say which responses to rewrite: the upstream thread notes the correlation id of each
/// Metadata and FindCoordinator request before forwarding it, so the note is always there when
/// the response arrives. A frame that cannot be read (a size out of range) ends the following:
/// the rest of the connection passes through unchanged, and is logged once.
final class KafkaAddressFilter: @unchecked Sendable {
    // @unchecked: `pending` is shared by the two threads and touched only under `lock`; the
    // request state belongs to the upstream thread, the response state to the downstream one.
    private let map: @Sendable (KafkaBrokerAddress) -> KafkaBrokerAddress?
    private let logger: Logger
    private let lock = NSLock()
    private var pending: [Int32: (apiKey: Int16, version: Int16)] = [:]

    private var request = FrameCursor(headerSize: 12)
    private var response = FrameCursor(headerSize: 8)
    /// The response being collected for a rewrite: its payload so far and its request.
    private var held: (payload: [UInt8], apiKey: Int16, version: Int16)?

    /// A Metadata response of a large cluster is a few hundred kilobytes; anything far beyond
    /// is not a frame of this protocol.
    static let maxFrame = 64 * 1024 * 1024

    init(logger: Logger, map: @escaping @Sendable (KafkaBrokerAddress) -> KafkaBrokerAddress?) {
        self.logger = logger
        self.map = map
    }

    /// Notes the requests in bytes on their way to the broker; they are forwarded unchanged.
    func upstream(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count, !request.lost {
            if request.remaining > 0 {
                offset += request.pass(bytes.count - offset)
                continue
            }
            offset += request.collectHeader(bytes, from: offset)
            guard let header = request.completeHeader() else { continue }
            guard readSize(header, &request, minimum: 8, "request") else { return }
            let apiKey = Int16(bitPattern: UInt16(header[4]) << 8 | UInt16(header[5]))
            if KafkaAddressRewrite.rewrites(apiKey: apiKey) {
                let version = Int16(bitPattern: UInt16(header[6]) << 8 | UInt16(header[7]))
                lock.withLock { pending[Self.int32(header, at: 8)] = (apiKey, version) }
            }
        }
    }

    /// Takes bytes from the broker and returns what the client gets instead: the same bytes,
    /// except that a Metadata or FindCoordinator response is held until whole and rewritten.
    func downstream(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        if response.lost { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var offset = 0
        while offset < bytes.count {
            if response.remaining > 0 {
                let count = response.pass(bytes.count - offset)
                if held != nil {
                    held!.payload.append(contentsOf: bytes[offset..<(offset + count)])
                    if response.remaining == 0 { output.append(contentsOf: rewriteHeld()) }
                } else {
                    output.append(contentsOf: bytes[offset..<(offset + count)])
                }
                offset += count
                continue
            }
            offset += response.collectHeader(bytes, from: offset)
            guard let header = response.completeHeader() else { continue }
            guard readSize(header, &response, minimum: 4, "response") else {
                output.append(contentsOf: header)
                output.append(contentsOf: bytes[offset...])
                return output
            }
            let correlation = Self.int32(header, at: 4)
            if let request = lock.withLock({ pending.removeValue(forKey: correlation) }) {
                held = (Array(header[4...]), request.apiKey, request.version)
                if response.remaining == 0 { output.append(contentsOf: rewriteHeld()) }
            } else {
                output.append(contentsOf: header)
            }
        }
        return output
    }

    /// The held response, rewritten (or as it came if it cannot be read), with its size.
    private func rewriteHeld() -> [UInt8] {
        guard let (payload, apiKey, version) = held else { return [] }
        held = nil
        var rewritten: [UInt8]
        do throws(KafkaWireError) {
            rewritten = try KafkaAddressRewrite.rewrite(payload, apiKey: apiKey, version: version, map)
        } catch {
            logger.warning("relay cannot read a Kafka response; forwarding it unchanged", metadata: [
                "kafka.api_key": "\(apiKey)", "kafka.api_version": "\(version)", "error": "\(error)",
            ])
            rewritten = payload
        }
        return withUnsafeBytes(of: Int32(rewritten.count).bigEndian, Array.init) + rewritten
    }

    /// Reads a frame's size into `cursor.remaining` (the bytes after the size field), or gives
    /// up following the connection when it is out of range.
    private func readSize(_ header: [UInt8], _ cursor: inout FrameCursor, minimum: Int, _ kind: String) -> Bool {
        let size = Int(Self.int32(header, at: 0))
        guard size >= minimum, size <= Self.maxFrame else {
            cursor.lost = true
            logger.warning("relay lost track of the Kafka frames; relaying the connection unchanged", metadata: [
                "kafka.frame": "\(kind)", "kafka.frame_size": "\(size)",
            ])
            return false
        }
        cursor.remaining = size - (cursor.headerSize - 4)
        return true
    }

    private static func int32(_ bytes: [UInt8], at offset: Int) -> Int32 {
        bytes[offset..<(offset + 4)].reduce(Int32(0)) { $0 << 8 | Int32($1) }
    }

    /// Where one direction is in its frames: collecting a header, or passing a frame's rest.
    private struct FrameCursor {
        let headerSize: Int
        var header: [UInt8] = []
        var remaining = 0
        var lost = false

        init(headerSize: Int) { self.headerSize = headerSize }

        /// Counts up to `available` bytes of the current frame as passed; returns how many.
        mutating func pass(_ available: Int) -> Int {
            let count = min(available, remaining)
            remaining -= count
            return count
        }

        /// Adds header bytes from `bytes[offset...]`; returns how many it took.
        mutating func collectHeader(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int {
            let count = min(headerSize - header.count, bytes.count - offset)
            header.append(contentsOf: bytes[offset..<(offset + count)])
            return count
        }

        /// The header once whole (and the cursor ready for the next one).
        mutating func completeHeader() -> [UInt8]? {
            guard header.count == headerSize else { return nil }
            defer { header = [] }
            return header
        }
    }
}
