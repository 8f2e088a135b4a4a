import Foundation
import ImageModel
import Synchronization

/// The schedule of a `load` run, shared by its worker threads: request i is due at
/// `start + i / rate` and updates record i mod (3 × perPlant).
final class LoadPlan: Sendable {
    let start: ContinuousClock.Instant
    let rate: Double
    let total: Int
    let perPlant: Int
    /// camera_id of request i is `cameraBase + i`: a value no earlier run sent (the base is the
    /// start time in microseconds), so every request changes its record.
    let cameraBase: Int64
    /// The next request to take.
    private let next = Atomic<Int>(0)

    /// Starts the clock 10 ms from now, so the workers are up before the first request is due.
    init(rate: Double, total: Int, perPlant: Int, cameraBase: Int64) {
        start = ContinuousClock.now + .milliseconds(10)
        self.rate = rate
        self.total = total
        self.perPlant = perPlant
        self.cameraBase = cameraBase
    }

    func due(_ index: Int) -> ContinuousClock.Instant {
        start + .nanoseconds(Int64((Double(index) * 1e9 / rate).rounded()))
    }

    /// The plant and id request `index` updates.
    func record(_ index: Int) -> (plant: Plant, id: Int64) {
        let plants = Plant.allCases
        let record = index % (perPlant * plants.count)
        return (plants[record % plants.count], Int64(record / plants.count + 1))
    }

    /// One worker's loop: takes the next request, sleeps until it is due, sends it over
    /// `connection` and waits for the answer, until all requests are taken.
    func work(_ requests: UpdateRequests, connection: HTTPLoadConnection) -> LoadTally {
        let clock = ContinuousClock()
        var tally = LoadTally()
        defer { connection.close() }
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < total else { return tally }
            let due = due(index)
            let wait = clock.now.duration(to: due)
            if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
            let sent = clock.now
            let (plant, id) = record(index)
            let outcome: LoadTally.Outcome
            do {
                let status = try connection.exchange(requests.update(plant: plant, id: id, cameraID: cameraBase + Int64(index)))
                outcome = (200..<300).contains(status) ? .succeeded : .rejected(status)
            } catch {
                outcome = .failed(error)
            }
            tally.record(outcome, due: due, sent: sent, done: clock.now)
        }
    }
}

/// The bytes of the partial-update requests `load` sends.
struct UpdateRequests: Sendable {
    let host: String
    let port: Int
    let token: String?

    /// `POST /image-plant/{plant}/` with `{"id": id, "camera_id": cameraID}`.
    func update(plant: Plant, id: Int64, cameraID: Int64) -> [UInt8] {
        let body = "{\"id\":\(id),\"camera_id\":\(cameraID)}"
        var head = "POST /image-plant/\(plant.rawValue)/ HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        return Array((head + "\r\n" + body).utf8)
    }
}
