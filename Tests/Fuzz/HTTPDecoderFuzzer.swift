// libFuzzer entry point for the HTTP request decoder; built by scripts/fuzz-http.sh together with
// the decoder's own sources (no package, no Logging, no sockets).

/// Limits small enough that the fuzzer reaches every limit check with short inputs.
private let limits = HTTPLimits(maxRequestLineBytes: 128, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 512)

/// What a decoder made of some bytes, comparable across ways of feeding them.
private struct Outcome: Equatable {
    var requests: [String] = []
    var failed = false
}

/// Decodes `input` fed in pieces that end at `cuts`, and checks what every request must satisfy.
private func decode(_ input: UnsafeBufferPointer<UInt8>, cuts: [Int]) -> Outcome {
    var decoder = HTTPDecoder(limits: limits)
    var outcome = Outcome()
    var start = 0
    for end in cuts + [input.count] where end >= start {
        decoder.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<end])))
        start = end
        do {
            while let event = try decoder.next() {
                guard case .request(let request) = event else { continue }
                precondition(request.body.count <= limits.maxBodyBytes, "body over the limit")
                precondition(request.headers.count <= limits.maxHeaderCount, "too many fields")
                precondition(request.target.utf8.first == UInt8(ascii: "/") || request.target == "*", "bad target")
                let headers = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                outcome.requests.append("\(request.method) \(request.target) \(request.version)\n\(headers)\n\(request.body)")
            }
        } catch {
            precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status.code), "unexpected status \(error.status)")
            outcome.failed = true
            break
        }
    }
    return outcome
}

/// Feeds the input whole, then split at a point chosen by its first byte; both ways must give the
/// same requests and agree on failure (the error status may differ, since the first problem
/// spotted depends on how much has arrived).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 1 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let split = Int(data[0]) * input.count / 256
    let whole = decode(input, cuts: [])
    let pieces = decode(input, cuts: [split, split + (input.count - split) / 2])
    precondition(whole == pieces, "feeding in pieces changed the outcome")
    return 0
}
