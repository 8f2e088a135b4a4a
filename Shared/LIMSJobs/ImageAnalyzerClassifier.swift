import HTTP
import ImageModel
import JSON

/// The LIMS Image Analyzer API: `POST /{plant}/disease-classify-by-bytes` with
/// `{"hex_bytes": ...}` → `{"predicted_class", "confidence"}`.
struct ImageAnalyzerClassifier: DiseaseClassifier {
    let caller: ServiceCaller

    func classify(_ jpeg: [UInt8], plant: Plant) async throws(JobsError) -> (disease: String, confidence: Double) {
        let answer = try await caller.call(.post, "/\(plant.rawValue)/disease-classify-by-bytes",
                                           body: .object([("hex_bytes", .string(Hex.encode(jpeg)))]))
        guard case .string(let disease)? = answer?["predicted_class"], case .number(let confidence)? = answer?["confidence"],
              (0...1).contains(confidence.double) else {
            throw JobsError(.invalidResponse, "the image analyzer answered without predicted_class or a confidence in [0, 1]")
        }
        return (disease, confidence.double)
    }
}
