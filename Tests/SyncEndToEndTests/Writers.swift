import ImageModel
import Synchronization

/// Lanes of creates, updates and soft deletes through image-api until stopped.
///
/// Stopped by a flag between requests, never by cancelling, so every request in flight ends
/// whole and is counted only when image-api acknowledged it.
/// Updates and deletes touch records 1...`perPlant` of each plant.
final class Writers: Sendable {
    let client: ServiceClient
    let perPlant: Int
    let lanes: Int
    /// Between two requests of a lane: paces writes to what a slow server keeps up with.
    let pause: Duration
    private let count = Atomic<Int>(0)
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(client: ServiceClient, perPlant: Int, lanes: Int, pause: Duration = .zero) {
        self.client = client
        self.perPlant = perPlant
        self.lanes = lanes
        self.pause = pause
    }

    var acknowledged: Int { count.load(ordering: .relaxed) }

    /// The lanes end after their request in flight.
    func stop() { stopped.store(true, ordering: .relaxed) }

    func run() async {
        let workload = Workload(client: client, seed: 77)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<lanes {
                group.addTask {
                    while !self.stopped.load(ordering: .relaxed) {
                        let index = self.next.add(1, ordering: .relaxed).newValue
                        // One in ten a create, with a JPEG of its own.
                        let change = index % 10 == 0
                            ? ("PUT", "/image-plant/\(Plant.allCases[index % 3].rawValue)",
                               #"{"camera_id":\#(index),"gps_coordinates":[1.5,2.5],"data":"ffd8ffe0\#(String(index, radix: 16).count % 2 == 0 ? "" : "0")\#(String(index, radix: 16))"}"#)
                            : workload.change(index, perPlant: self.perPlant)
                        if let (status, _) = try? await self.client.request(change.0, change.1, json: change.2), status == 200 {
                            self.count.add(1, ordering: .relaxed)
                        }
                        if self.pause > .zero { try? await Task.sleep(for: self.pause) }
                    }
                }
            }
        }
    }
}
