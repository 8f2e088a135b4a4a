/// A broker's address as Kafka's Metadata and FindCoordinator responses carry it.
public struct KafkaBrokerAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int32

    public init(host: String, port: Int32) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// A Kafka frame the relay could not read; it is then forwarded as it came.
struct KafkaWireError: Error, CustomStringConvertible {
    let description: String
}

/// Replaces the broker addresses in the two responses that hand clients an address to connect
/// to: Metadata (API key 3, every version up to 12) and FindCoordinator (key 10, up to 6).
/// Everything else in them is copied byte for byte. Layouts: the Kafka protocol guide
/// (kafka.apache.org/protocol); versions from 9 (Metadata) and 3 (FindCoordinator) are
/// "flexible": compact strings and arrays (unsigned varint length + 1) and tagged fields.
enum KafkaAddressRewrite {
    static let metadata: Int16 = 3
    static let findCoordinator: Int16 = 10

    /// Whether responses to this request carry broker addresses.
    static func rewrites(apiKey: Int16) -> Bool { apiKey == metadata || apiKey == findCoordinator }

    /// - Parameters:
    ///   - payload: one response after its 4-byte size, from the correlation id on.
    ///   - map: the address a client should use instead, or nil to keep it.
    static func rewrite(_ payload: [UInt8], apiKey: Int16, version: Int16,
                        _ map: (KafkaBrokerAddress) -> KafkaBrokerAddress?) throws(KafkaWireError) -> [UInt8] {
        var rewriter = Rewriter(payload)
        switch apiKey {
        case metadata:
            let flexible = version >= 9
            try rewriter.skip(4)
            if flexible { try rewriter.skipTaggedFields() }
            if version >= 3 { try rewriter.skip(4) }
            for _ in 0..<(try rewriter.arrayCount(compact: flexible)) {
                try rewriter.skip(4)
                try rewriter.address(compact: flexible, map)
                if version >= 1 { try rewriter.skipString(compact: flexible) }
                if flexible { try rewriter.skipTaggedFields() }
            }
        case findCoordinator:
            let flexible = version >= 3
            try rewriter.skip(4)
            if flexible { try rewriter.skipTaggedFields() }
            if version >= 1 { try rewriter.skip(4) }
            if version < 4 {
                try rewriter.skip(2)
                if version >= 1 { try rewriter.skipString(compact: flexible) }
                try rewriter.skip(4)
                try rewriter.address(compact: flexible, map)
            } else {
                for _ in 0..<(try rewriter.arrayCount(compact: true)) {
                    try rewriter.skipString(compact: true)
                    try rewriter.skip(4)
                    try rewriter.address(compact: true, map)
                    try rewriter.skip(2)
                    try rewriter.skipString(compact: true)
                    try rewriter.skipTaggedFields()
                }
            }
        default:
            return payload
        }
        return rewriter.finish()
    }

    /// Walks a response, copying what it passes and replacing the addresses.
    private struct Rewriter {
        private let input: [UInt8]
        private var index = 0
        private var copied = 0
        private var output: [UInt8] = []

        init(_ input: [UInt8]) {
            self.input = input
            output.reserveCapacity(input.count + 64)
        }

        mutating func finish() -> [UInt8] {
            output.append(contentsOf: input[copied...])
            return output
        }

        mutating func skip(_ count: Int) throws(KafkaWireError) {
            guard count >= 0, input.count - index >= count else { throw KafkaWireError(description: "response ends early at byte \(index)") }
            index += count
        }

        mutating func int16() throws(KafkaWireError) -> Int16 {
            try skip(2)
            return Int16(bitPattern: UInt16(input[index - 2]) << 8 | UInt16(input[index - 1]))
        }

        mutating func int32() throws(KafkaWireError) -> Int32 {
            try skip(4)
            return input[(index - 4)..<index].reduce(Int32(0)) { $0 << 8 | Int32($1) }
        }

        mutating func uvarint() throws(KafkaWireError) -> Int {
            var value = 0
            for shift in stride(from: 0, through: 28, by: 7) {
                try skip(1)
                let byte = input[index - 1]
                value |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
            }
            throw KafkaWireError(description: "varint longer than 5 bytes at byte \(index)")
        }

        /// An array's element count; a null array (-1) counts as empty.
        mutating func arrayCount(compact: Bool) throws(KafkaWireError) -> Int {
            let count = compact ? try uvarint() - 1 : Int(try int32())
            return max(count, 0)
        }

        /// A string's length; -1 for null.
        private mutating func stringLength(compact: Bool) throws(KafkaWireError) -> Int {
            compact ? try uvarint() - 1 : Int(try int16())
        }

        mutating func skipString(compact: Bool) throws(KafkaWireError) {
            try skip(max(try stringLength(compact: compact), 0))
        }

        mutating func skipTaggedFields() throws(KafkaWireError) {
            for _ in 0..<(try uvarint()) {
                _ = try uvarint()
                try skip(try uvarint())
            }
        }

        /// A host string and a port: replaced in the output when `map` gives another address.
        mutating func address(compact: Bool, _ map: (KafkaBrokerAddress) -> KafkaBrokerAddress?) throws(KafkaWireError) {
            let start = index
            let length = try stringLength(compact: compact)
            try skip(max(length, 0))
            let host = String(decoding: input[(index - max(length, 0))..<index], as: UTF8.self)
            let port = try int32()
            guard let replacement = map(KafkaBrokerAddress(host: host, port: port)) else { return }
            output.append(contentsOf: input[copied..<start])
            let bytes = Array(replacement.host.utf8)
            if compact {
                var length = bytes.count + 1
                while length >= 0x80 {
                    output.append(UInt8(length & 0x7f) | 0x80)
                    length >>= 7
                }
                output.append(UInt8(length))
            } else {
                output.append(contentsOf: [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)])
            }
            output.append(contentsOf: bytes)
            output.append(contentsOf: withUnsafeBytes(of: replacement.port.bigEndian, Array.init))
            copied = index
        }
    }
}
