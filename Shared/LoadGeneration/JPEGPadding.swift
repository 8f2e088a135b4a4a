/// Grows a JPEG to a given size without changing the picture: the benchmark's creates carry
/// 20–40 KB images, the seed JPEGs are 18–20 KB.
enum JPEGPadding {
    /// The largest payload of one JPEG segment: its 16-bit length counts itself (2 bytes).
    static let maxSegmentPayload = 65_533

    /// `jpeg` with comment segments (COM, `FF FE`) inserted right after its start-of-image
    /// marker, filling it to `size` bytes. Decoders skip comments, so the picture is the same.
    /// Returns `jpeg` unchanged when it is not a JPEG or already `size - 4` bytes or more (a
    /// segment needs 4 bytes of marker and length).
    static func padded(_ jpeg: [UInt8], to size: Int) -> [UInt8] {
        guard jpeg.count >= 2, jpeg[0] == 0xFF, jpeg[1] == 0xD8, size - jpeg.count >= 4 else { return jpeg }
        var result: [UInt8] = []
        result.reserveCapacity(size)
        result.append(contentsOf: jpeg[0..<2])
        var missing = size - jpeg.count
        while missing >= 4 {
            // A remainder under 4 bytes could not form a segment: leave room for it in this one.
            var payload = min(missing - 4, maxSegmentPayload)
            if (1..<4).contains(missing - 4 - payload) { payload -= 4 }
            let length = payload + 2
            result.append(contentsOf: [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)])
            result.append(contentsOf: repeatElement(UInt8(ascii: "."), count: payload))
            missing -= payload + 4
        }
        result.append(contentsOf: jpeg[2...])
        return result
    }
}
