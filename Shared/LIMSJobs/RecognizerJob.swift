import JobControl

/// LIMS's Leaf Disease Recognizer: every 100 s an image without a diagnosis gets one.
enum RecognizerJob {
    static func make(_ context: JobsContext) -> JobController {
        let random = Randomness(seed: context.settings.seed, stream: "recognizer")
        let recognize = JobTask(name: "recognize", interval: context.settings.interval(.recognizer)) { run in
            let summary = try await context.operation(run) { () -> String? in
                guard let image = try await context.randomImage(random, hasDisease: false, isDeleted: false) else { return nil }
                try await run.checkpoint()
                let (disease, confidence) = try await context.classifier.classify(image.data, plant: image.plant)
                try await run.checkpoint()
                try await context.api.update(image.plant, id: image.id,
                                             [("disease", .string(disease)), ("percentage", .decimal(confidence))])
                return "\(image.plant.rawValue) image \(image.id): \(disease) (\(Int(confidence * 100)) %)"
            }
            return summary ?? "no image without a diagnosis"
        }
        return context.controller("recognizer", [recognize])
    }
}
