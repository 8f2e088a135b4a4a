import HTTP
import HTTPClient
import ImageModel
import ImageRoutes
import JobControl
@testable import LIMSJobs
import Logging
import Routing
import Testing
import TestSupport

/// The jobs in the test process, against image-api's routes in the test process over real
/// sockets and a real database of each store: what each job does reaches the database.
@Suite struct InProcessJobsTests {
    static let logger = Logger(label: "InProcessJobsTests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `job` (made from a context on an image API over `repository`) until `done` holds.
    static func run(_ make: (JobsContext) -> JobController, over repository: any ImageRepository,
                    until done: @escaping () async throws -> Bool) async throws {
        let router = RouterBuilder(logger: logger)
        ImageController(repository: repository, access: .readWrite).register(on: router)
        let server = HTTPServer(configuration: .init(port: 0), responder: router.buildResponder(), logger: logger)
        let port = try server.start()
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        // LIMS intervals divided by 10,000: a run every 10 to 70 ms.
        let settings = JobsSettings(imageAPIURL: "http://127.0.0.1:\(port)", imageAPIToken: nil, imageAnalyzerURL: nil,
                                    intervals: [:], speed: 1_000, intensity: 10, seed: 3, autostart: true,
                                    requestTimeout: .seconds(10))
        let caller = ServiceCaller(name: "image-api", client: try HTTPClient(url: settings.imageAPIURL, timeout: settings.requestTimeout),
                                   token: nil, outage: OutageLog(service: "image-api", logger: logger))
        let job = make(JobsContext(api: ImageAPIClient(caller: caller), classifier: StandInClassifier(), metrics: JobsMetrics(),
                                   settings: settings, logger: logger))
        let running = Task { try await job.run() }
        defer { running.cancel() }
        try await waitUntil("the job's changes in the database", timeout: .seconds(60), every: .milliseconds(50)) { try await done() }
    }

    /// Every image of every plant, with its plant.
    static func all(_ repository: any ImageRepository) async throws -> [(plant: Plant, image: Image)] {
        var images: [(plant: Plant, image: Image)] = []
        for plant in Plant.allCases {
            images += try await repository.listPage(plant: plant, fromID: 1, limit: 1_000, filter: ImageFilter()).map { (plant, $0) }
        }
        return images
    }

    @Test(arguments: TestStore.allCases) func theCameraCreatesImagesFromItsCameras(store: TestStore) async throws {
        try await store.withRepository { repository in
            for plant in Plant.allCases { try await repository.insert(plant: plant, [Image.make(id: 1, cameraID: 99)]) }
            try await Self.run(CameraJob.make, over: repository) { try await Self.all(repository).count >= 8 }
            let created = try await Self.all(repository).map(\.image).filter { $0.id > 1 }
            #expect(created.count >= 5 && created.allSatisfy { (1...20).contains($0.cameraID) && $0.data == Image.make(id: 1).data })
        }
    }

    @Test(arguments: TestStore.allCases) func theRecognizerDiagnosesImagesWithThePlantsClasses(store: TestStore) async throws {
        try await store.withRepository { repository in
            for plant in Plant.allCases { try await repository.insert(plant: plant, (1...3).map { Image.make(id: $0) }) }
            try await Self.run(RecognizerJob.make, over: repository) {
                try await Self.all(repository).filter { $0.image.disease != nil }.count >= 5
            }
            let diagnosed = try await Self.all(repository).filter { $0.image.disease != nil }
            let wrong = diagnosed.filter { plant, image in
                !plant.diseaseClasses.contains(image.disease ?? "") || !(0.5..<1).contains(image.percentage ?? -1)
            }
            #expect(diagnosed.count >= 5 && wrong.isEmpty, "\(wrong)")
        }
    }

    @Test(arguments: TestStore.allCases) func theUsersToggleMoveAndSoftDeleteImages(store: TestStore) async throws {
        try await store.withRepository { repository in
            for plant in Plant.allCases { try await repository.insert(plant: plant, (1...10).map { Image.make(id: $0, cameraID: 99) }) }
            try await Self.run(UsersJob.make, over: repository) {
                let images = try await Self.all(repository).map(\.image)
                return images.contains { $0.isActive } && images.contains { $0.cameraID != 99 } && images.contains { $0.isDeleted }
            }
            let images = try await Self.all(repository).map(\.image)
            #expect(images.count == 30, "users never create or remove an image")
            #expect(images.filter { $0.version > 1 }.allSatisfy { $0.updatedAt! > $0.createdAt })
        }
    }
}
