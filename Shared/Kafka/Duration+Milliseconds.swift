extension Duration {
    /// Whole milliseconds, as librdkafka's timeouts and intervals take them; clamped to `Int32`.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
