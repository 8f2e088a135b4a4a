// libFuzzer entry point for the consumer's message decoder (`IncomingChange(message:topicPlant:)`,
// envelopes and LIMS legacy messages, timestamps included) and the planning that follows it;
// built by scripts/fuzz-sync.sh against the ImageModel and JSON sources (no Kafka, no stores).
import ImageModel

/// The first byte picks the topic's plant, the next eight a producer timestamp (milliseconds,
/// any value a broker may carry); the rest is the message value. A message either decodes to a
/// change that survives a round trip and planning, or is rejected with a reason: it never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 9 else { return 0 }
    let plant = Plant.allCases[Int(data[0]) % Plant.allCases.count]
    let producedAt = (1...8).reduce(Int64(0)) { $0 << 8 | Int64(data[$1]) }
    let value = Array(UnsafeBufferPointer(start: data + 9, count: size - 9))
    let change: IncomingChange
    do {
        change = try IncomingChange(message: value, topicPlant: plant)
    } catch {
        precondition(!error.description.isEmpty, "a rejection without a reason")
        return 0
    }
    precondition(change.plant == plant && change.imageID >= 1, "decoded a change the topic cannot carry: \(change)")
    // What the consumer records of it: saturating, whatever the instants.
    let occurredAt: Int64
    switch change {
    case .event(let event):
        precondition(event.version >= (event.op == .purge ? 0 : 1) && event.occurredAt >= 0, "invalid event accepted")
        for schema in ChangeEvent.schemaVersions {
            precondition(try! IncomingChange(message: event.envelope(schemaVersion: schema), topicPlant: plant) == change,
                         "the envelope of schema \(schema) does not round-trip")
        }
        occurredAt = event.occurredAt
    case .legacy(_, let image):
        precondition(try! IncomingChange(message: image.jsonBytes, topicPlant: plant) == change, "the legacy JSON does not round-trip")
        precondition(Timestamp(iso8601: image.lastChangedAt.description) == image.lastChangedAt, "a timestamp does not round-trip")
        occurredAt = image.lastChangedAt.microsecondsSinceEpoch
    }
    let produced = Timestamp(millisecondsSinceEpoch: producedAt).microsecondsSinceEpoch
    precondition(Timestamp.microseconds(from: occurredAt, to: produced) >= 0 && Timestamp.microseconds(from: produced, to: occurredAt) >= 0)
    // Planned against no stored record, against one at the largest version, and twice in a batch.
    let stored = ReplicaState(version: .max, lastChangedAt: Timestamp(millisecondsSinceEpoch: producedAt))
    for states in [[:], [plant: [change.imageID: stored]]] {
        let plan = ReplicaPlan(changes: [change, change], states: states)
        precondition(plan.outcomes.count == 2 && plan.writes.count <= 1, "a plan of two copies of one change")
        precondition(plan.outcomes[1] != .applied, "a redelivery in the same batch applied twice")
        // Against the largest version every event is stale, but a purge of exactly that version.
        if case .event(let event) = change, !states.isEmpty {
            let expected: ChangeOutcome = event.payload == .removal(version: stored.version) ? .applied : .stale
            precondition(plan.outcomes[0] == expected, "an event past the stored version, or a purge of another one")
        }
    }
    return 0
}
