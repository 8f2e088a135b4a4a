import JobControl

/// LIMS's Users: activate or deactivate a random image (every 300 s), update GPS and camera id
/// of a random image (300 s), soft-delete a random image (700 s). Deleted images are left alone.
enum UsersJob {
    static func make(_ context: JobsContext) -> JobController {
        let random = Randomness(seed: context.settings.seed, stream: "users")
        let toggle = JobTask(name: "toggle-active", interval: context.settings.interval(.activation)) { run in
            let summary = try await context.operation(run) { () -> String? in
                guard let image = try await context.randomImage(random, isDeleted: false) else { return nil }
                try await run.checkpoint()
                try await context.api.update(image.plant, id: image.id, [("is_active", .bool(!image.isActive))])
                return "\(image.isActive ? "deactivated" : "activated") \(image.plant.rawValue) image \(image.id)"
            }
            return summary ?? "no image to activate or deactivate"
        }
        let metadata = JobTask(name: "update-metadata", interval: context.settings.interval(.metadata)) { run in
            let summary = try await context.operation(run) { () -> String? in
                guard let image = try await context.randomImage(random, isDeleted: false) else { return nil }
                try await run.checkpoint()
                let gps = random.gps()
                let cameraID = random.int(in: 1...20)
                try await context.api.update(image.plant, id: image.id, [
                    ("camera_id", .integer(cameraID)),
                    ("gps_coordinates", .array([.decimal(gps.latitude), .decimal(gps.longitude)])),
                ])
                return "moved \(image.plant.rawValue) image \(image.id) to camera \(cameraID)"
            }
            return summary ?? "no image to update"
        }
        let delete = JobTask(name: "soft-delete", interval: context.settings.interval(.deletion)) { run in
            let summary = try await context.operation(run) { () -> String? in
                guard let image = try await context.randomImage(random, isDeleted: false) else { return nil }
                try await run.checkpoint()
                try await context.api.delete(image.plant, id: image.id)
                return "soft-deleted \(image.plant.rawValue) image \(image.id)"
            }
            return summary ?? "no image to delete"
        }
        return context.controller("users", [toggle, metadata, delete])
    }
}
