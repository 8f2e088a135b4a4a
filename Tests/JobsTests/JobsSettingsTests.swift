import ImageModel
@testable import Jobs
import LIMSJobs
import ServiceKit
import Testing

@Suite("jobs settings and the stand-in classifier")
struct JobsSettingsTests {
    func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> JobsSettings {
        try JobsSettings(JobsOptions.parse(arguments), source: ConfigurationSource(environment: environment))
    }

    @Test func defaultsAreLIMSs() throws {
        let defaults = try settings([])
        #expect(defaults.imageAPIURL == "http://127.0.0.1:8080")
        #expect(defaults.autostart)
        #expect(defaults.interval(.camera) == .seconds(100))
        #expect(defaults.interval(.activation) == .seconds(300))
        #expect(defaults.interval(.deletion) == .seconds(700))
    }

    @Test func speedAndIntensityBothDivideEveryInterval() throws {
        let fast = try settings(["--speed", "600", "--intensity", "10"], environment: ["LEAFSYNC_CAMERA_INTERVAL": "30"])
        #expect(fast.interval(.camera) == .milliseconds(5))
        #expect(fast.interval(.deletion) == .nanoseconds(116_666_666))
        let flagWins = try settings(["--speed", "2"], environment: ["LEAFSYNC_SPEED": "100"])
        #expect(flagWins.interval(.recognizer) == .seconds(50))
    }

    @Test(arguments: [["--speed", "0"], ["--intensity", "-1"], ["--camera-interval", "0"]])
    func nonPositiveRatesAndIntervalsAreRefused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try settings(arguments) }
    }

    @Test func theStandInClassifierIsDeterministicAndAnswersThePlantsClasses() throws {
        let classifier = StandInClassifier()
        for plant in Plant.allCases {
            for seed in 0..<50 {
                let jpeg = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* seed &+ 7) }
                let first = try classifier.classify(jpeg, plant: plant)
                let again = try classifier.classify(jpeg, plant: plant)
                #expect(first.disease == again.disease && first.confidence == again.confidence)
                #expect(plant.diseaseClasses.contains(first.disease))
                #expect((0.5..<1).contains(first.confidence))
            }
        }
    }
}
