/// A plant type of LIMS; each has its own id sequence, collection and Kafka topic.
public enum Plant: String, CaseIterable, Sendable, Hashable, Codable {
    case potato, tomato, pepper

    /// The LIMS MongoDB collection name, e.g. `imagecolplantpotato`.
    public var collectionName: String { "imagecolplant\(rawValue)" }

    /// The PlantVillage classes the LIMS leaf-disease recognizer can answer for this plant.
    public var diseaseClasses: [String] {
        switch self {
        case .potato: return ["Early Blight", "Late Blight", "Healthy"]
        case .pepper: return ["Bacterial Spot", "Healthy"]
        case .tomato:
            return ["Bacterial Spot", "Early Blight", "Late Blight", "Leaf Mold", "Septoria Leaf Spot",
                    "Spider Mites", "Target Spot", "Yellow Leaf Curl Virus", "Mosaic Virus", "Healthy"]
        }
    }

    /// Parses a path segment; the error names the allowed values.
    public init(validating text: String) throws(ImageError) {
        guard let plant = Plant(rawValue: text) else {
            throw ImageError.invalidField("plant", "must be one of potato, tomato, pepper, not \"\(text)\"")
        }
        self = plant
    }
}
