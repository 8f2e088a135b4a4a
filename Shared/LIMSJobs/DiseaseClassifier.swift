import ImageModel
import Primitives

/// Tells the disease of a leaf photo: the LIMS Image Analyzer API, or a stand-in without it.
public protocol DiseaseClassifier: Sendable {
    /// - Returns: one of `plant.diseaseClasses` and the confidence in [0, 1].
    func classify(_ jpeg: [UInt8], plant: Plant) async throws(JobsError) -> (disease: String, confidence: Double)
}

/// NOT a classifier: a deterministic stand-in used because the real ML model is not available.
/// A 64-bit FNV-1a hash of the image bytes picks one of the plant's LIMS classes and a
/// confidence in [0.5, 1), so the same image always gets the same answer.
public struct StandInClassifier: DiseaseClassifier {
    public init() {}

    public func classify(_ jpeg: [UInt8], plant: Plant) throws(JobsError) -> (disease: String, confidence: Double) {
        let hash = jpeg.fnv1a
        let classes = plant.diseaseClasses
        let disease = classes[Int(hash % UInt64(classes.count))]
        let confidence = 0.5 + Double((hash >> 32) % 5000) / 10_000
        return (disease, confidence)
    }
}
