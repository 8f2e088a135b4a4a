/// The `char errstr[N]` many librdkafka calls fill in when they fail.
struct ErrorBuffer {
    var bytes = [CChar](repeating: 0, count: 512)

    /// The text up to the terminating NUL (librdkafka always writes one).
    var message: String {
        bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
