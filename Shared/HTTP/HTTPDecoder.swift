/// An incremental, strict HTTP/1.1 request decoder over bytes.
///
/// Pure: no I/O, no clocks, no logging, so it is tested from string literals and fuzzed on its
/// own. Feed bytes with `append`, then call `next()` until it returns nil (more bytes needed).
/// After it throws, the connection must answer with the error and close: the decoder stays failed.
public struct HTTPDecoder: Sendable {
    /// What `next()` found.
    public enum Event: Sendable {
        /// The head carried `Expect: 100-continue` and no body bytes have arrived yet: send
        /// `100 Continue`, then keep calling `next()`.
        case continueExpected
        /// A complete request.
        case request(HTTPRequest)
    }

    /// Where the decoder is within the current request, for choosing a timeout.
    public enum Progress: Sendable, Equatable {
        /// Between requests, nothing buffered.
        case idle
        /// Some of a head has arrived.
        case head
        /// The head is done; the body is arriving.
        case body
    }

    private enum State {
        case head(SectionScan)
        case fixedBody(remaining: Int)
        case chunkSize(scanned: Int)
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(SectionScan)
    }

    /// The limits enforced while decoding.
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// First unconsumed byte of `buffer`; every offset in `state` is relative to it.
    private var start = 0
    private var state = State.head(SectionScan(hasRequestLine: true))
    /// The request whose body is being read; its body is built separately in `body`.
    private var pending: HTTPRequest?
    private var body: [UInt8] = []
    private var failure: HTTPError?

    /// A decoder enforcing `limits`.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Where the current request stands.
    public var progress: Progress {
        guard case .head(let scan) = state else { return .body }
        return scan.lineCount == 0 && start == buffer.count ? .idle : .head
    }

    /// Decodes what the buffered bytes allow.
    /// - Throws: `HTTPError` with the status to answer (400, 413, 414, 417, 431, 501, 505);
    ///   every later call throws it again.
    /// - Returns: the next event, or nil if more bytes are needed.
    public mutating func next() throws(HTTPError) -> Event? {
        if let failure { throw failure }
        do {
            return try advance()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func advance() throws(HTTPError) -> Event? {
        while true {
            switch state {
            case .head(var scan):
                if scan.lineCount == 0 { skipEmptyLines(&scan) }
                let limits = self.limits
                let found = try unconsumed { (bytes) throws(HTTPError) -> (RequestHead, Int)? in
                    guard let end = try HTTPHeadParser.findEnd(bytes, scan: &scan, limits: limits) else { return nil }
                    return (try HTTPHeadParser.parseHead(UnsafeBufferPointer(rebasing: bytes[..<end]), limits: limits), end)
                }
                guard let (head, end) = found else {
                    state = .head(scan)
                    return nil
                }
                start += end
                state = .head(SectionScan(hasRequestLine: true))
                switch head.framing {
                case .none:
                    return .request(head.request)
                case .length(let length):
                    body.reserveCapacity(length)
                    state = .fixedBody(remaining: length)
                case .chunked:
                    state = .chunkSize(scanned: 0)
                }
                pending = head.request
                if head.expectsContinue && start == buffer.count { return .continueExpected }
            case .fixedBody(let remaining):
                let left = consumeBody(upTo: remaining)
                guard left == 0 else {
                    state = .fixedBody(remaining: left)
                    return nil
                }
                state = .head(SectionScan(hasRequestLine: true))
                return .request(finishRequest())
            case .chunkSize(let scanned):
                let allowance = limits.maxBodyBytes - body.count
                let line = try unconsumed { (bytes) throws(HTTPError) in
                    try ChunkSizeLine.parse(bytes, scanned: scanned, allowance: allowance)
                }
                switch line {
                case .incomplete(let scanned):
                    state = .chunkSize(scanned: scanned)
                    return nil
                case .complete(let size, let length):
                    start += length
                    state = size == 0 ? .trailers(SectionScan(hasRequestLine: false)) : .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let left = consumeBody(upTo: remaining)
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
                if left > 0 { return nil }
            case .chunkDataEnd:
                guard buffer.count - start >= 2 else { return nil }
                guard buffer[start] == ASCII.cr, buffer[start + 1] == ASCII.lf else {
                    throw HTTPError(.badRequest, detail: "Chunk data not followed by CRLF")
                }
                start += 2
                state = .chunkSize(scanned: 0)
            case .trailers(var scan):
                let limits = self.limits
                let end = try unconsumed { (bytes) throws(HTTPError) -> Int? in
                    guard let end = try HTTPHeadParser.findEnd(bytes, scan: &scan, limits: limits) else { return nil }
                    try HTTPHeadParser.validateTrailers(UnsafeBufferPointer(rebasing: bytes[..<end]))
                    return end
                }
                guard let end else {
                    state = .trailers(scan)
                    return nil
                }
                start += end
                state = .head(SectionScan(hasRequestLine: true))
                return .request(finishRequest())
            }
        }
    }

    /// Calls `body` with the unconsumed bytes.
    private func unconsumed<Result>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(HTTPError) -> Result
    ) throws(HTTPError) -> Result {
        try buffer.withUnsafeBufferPointer { (all) throws(HTTPError) in
            try body(UnsafeBufferPointer(rebasing: all[start...]))
        }
    }

    /// Moves up to `remaining` buffered bytes into the body; returns how many are still due.
    private mutating func consumeBody(upTo remaining: Int) -> Int {
        let count = min(remaining, buffer.count - start)
        body.append(contentsOf: buffer[start..<(start + count)])
        start += count
        return remaining - count
    }

    private mutating func finishRequest() -> HTTPRequest {
        var request = pending.take()!
        request.body = body
        body = []
        return request
    }

    /// Drops the empty lines a client may send before a request line (RFC 9112 §2.2).
    private mutating func skipEmptyLines(_ scan: inout SectionScan) {
        while buffer.count - start >= 2, buffer[start] == ASCII.cr, buffer[start + 1] == ASCII.lf {
            start += 2
            scan.scanned = max(0, scan.scanned - 2)
        }
    }

    /// Reclaims consumed bytes, cheaply: all of them when everything was consumed, else only
    /// once they are the larger part of a sizeable buffer.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            // Give a large buffer back (after a big body) rather than keeping it per connection.
            if buffer.capacity > 64 * 1024 {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            start = 0
        } else if start >= 16 * 1024 && start * 2 >= buffer.count {
            buffer.removeSubrange(..<start)
            start = 0
        }
    }
}
