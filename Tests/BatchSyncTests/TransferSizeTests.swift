@testable import BatchSync
import ImageModel
import TestSupport
import Testing

/// The size metric is the LIMS JSON size, computed without writing the hex; the stored size
/// counts the JPEG once, as bytes.
@Suite struct TransferSizeTests {
    @Test(arguments: [0, 1, 17, 40_000])
    func theTransferSizeIsTheLIMSJSONSize(dataBytes: Int) {
        let plain = Image.make(id: 7, data: (0..<dataBytes).map { UInt8($0 % 256) })
        let full = Image.make(id: 123_456, data: plain.data, isActive: true, isDeleted: true, disease: "Leaf \"Mold\"",
                              percentage: 0.123456789, updatedAt: .some(nil))
        for image in [plain, full] {
            #expect(image.transferSize == image.jsonBytes.count)
            #expect(image.storedSize == image.jsonBytes.count - dataBytes)
        }
    }
}
