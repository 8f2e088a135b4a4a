import JobControl

/// LIMS's Camera: every 100 s a new image of a random plant from a random camera.
enum CameraJob {
    static func make(_ context: JobsContext) -> JobController {
        let random = Randomness(seed: context.settings.seed, stream: "camera")
        let create = JobTask(name: "create-image", interval: context.settings.interval(.camera)) { run in
            let plant = random.plants()[0]
            let cameraID = random.int(in: 1...20)
            let summary = try await context.operation(run) { () -> String? in
                let id = try await context.api.create(plant, cameraID: cameraID, gps: random.gps())
                return "created \(plant.rawValue) image \(id) from camera \(cameraID)"
            }
            return summary ?? "no image created"
        }
        return context.controller("camera", [create])
    }
}
