import Foundation
import ImageModel
import Kafka
import Logging
import TestSupport
import Testing

/// Messages produced straight to the topics with a plain Kafka producer, as another system (or
/// LIMS itself) would: poison goes to the dead-letter topic with its reason, the rest is applied.
@Suite(.serialized) struct DeadLetterTests {
    let logger = Logger(label: "leafsync.tests.dead-letter")

    func image(_ id: Int64, updatedAt: Int64, disease: String? = nil) -> Image {
        Image(id: id, cameraID: 4, data: Array(repeating: 0xAB, count: 64), gpsCoordinates: GPSCoordinates(latitude: 1.5, longitude: 2.5),
              createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000), updatedAt: Timestamp(millisecondsSinceEpoch: updatedAt),
              disease: disease)
    }

    @Test func poisonIsDeadLetteredWithItsReasonAndValidMessagesAreApplied() async throws {
        try await SyncCluster.with(producer: .postgres, consumer: .postgres) { cluster in
            try await cluster.startConsumer(["--max-message-bytes", "100000"])
            let potato = cluster.topicPrefix + "potato"
            let envelopeCreate = ChangeEvent(created: image(2, updatedAt: 1_700_000_000_000), plant: .potato, occurredAt: 1).envelope
            func envelope(_ op: String, plant: String = "potato", payload: String) -> [UInt8] {
                Array(#"{"schema_version":1,"event_id":"e","op":"\#(op)","plant":"\#(plant)","image_id":9,"version":2,"occurred_at":1,"payload":\#(payload)}"#.utf8)
            }
            var legacy = Array(#"{"_id":"652a1f","#.utf8)
            legacy += image(1, updatedAt: 1_700_000_500_000, disease: "Late Blight").jsonBytes.dropFirst()
            let olderLegacy = image(1, updatedAt: 1_700_000_100_000, disease: "Healthy").jsonBytes
            let poison: [(value: [UInt8]?, reason: String)] = [
                (Array("{not json".utf8), "not valid JSON"),
                (envelope("upsert", payload: "{}"), "op"),
                (envelope("update", plant: "tomato", payload: #"{"updated_at":"2023-01-01T00:00:00"}"#), "plant"),
                (envelope("update", payload: #"{"percentage":7,"updated_at":"2023-01-01T00:00:00"}"#), "percentage"),
                (Array(repeating: UInt8(ascii: " "), count: 150_000), "bytes"),
                (nil, "no value"),
            ]
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: logger)
            var messages = poison.map { KafkaOutgoingMessage(topic: potato, key: Array("9".utf8), value: $0.value) }
            messages.insert(KafkaOutgoingMessage(topic: potato, key: Array("1".utf8), value: legacy), at: 2)
            messages.insert(KafkaOutgoingMessage(topic: potato, key: Array("2".utf8), value: envelopeCreate), at: 4)
            messages.append(KafkaOutgoingMessage(topic: potato, key: Array("1".utf8), value: olderLegacy))
            _ = try await producer.send(messages)
            await producer.close()

            let letters = try await readDeadLetters(cluster, count: poison.count)
            #expect(letters.count == poison.count)
            for (index, expected) in poison.enumerated() {
                let reason = letters[index].header(DeadLetterHeader.reason) ?? ""
                #expect(reason.contains(expected.reason), "dead letter \(index): \(reason)")
                #expect(letters[index].value == expected.value)
                #expect(letters[index].header(DeadLetterHeader.topic) == potato)
                #expect(letters[index].header(DeadLetterHeader.offset).flatMap(Int64.init) != nil)
            }
            // The legacy message applied; the older legacy message after it changed nothing.
            let one = try await cluster.consumerClient.request("GET", "/image-plant/potato/1")
            #expect(one.status == 200 && String(decoding: one.body, as: UTF8.self).contains(#""disease":"Late Blight""#))
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/potato/2").status == 200)
            let metrics = String(decoding: try await cluster.consumerClient.request("GET", "/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"consumer_events_dead_lettered_total{topic="\#(potato)"} \#(poison.count)"#))
            #expect(try await cluster.consumerClient.request("GET", "/ready").status == 200)
        }
    }

    /// Hostile messages, each between valid creates on one partition (one key): every one is
    /// dead-lettered with its reason, every valid create is applied, and the consumer that
    /// started is the one still running at the end.
    @Test(arguments: [TestStore.postgres, .mongo])
    func hostileMessagesNeitherCrashNorStopTheConsumer(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startConsumer()
            let consumerPID = try #require(cluster.consumer).process.processIdentifier
            let potato = cluster.topicPrefix + "potato"
            func envelope(id: String = "9", version: String = "2", occurredAt: String = "1", plant: String = "potato", op: String = "update",
                          payload: String = #"{"is_active":true,"updated_at":"2023-01-01T00:00:00"}"#) -> [UInt8] {
                Array(#"{"schema_version":1,"event_id":"e","op":"\#(op)","plant":"\#(plant)","image_id":\#(id),"version":\#(version),"occurred_at":\#(occurredAt),"payload":\#(payload)}"#.utf8)
            }
            func legacy(createdAt: String = "2023-01-01T00:00:00", data: String = "ffd8", disease: String = "null") -> [UInt8] {
                Array(#"{"id":9,"camera_id":1,"data":"\#(data)","gps_coordinates":[1,2],"created_at":"\#(createdAt)","updated_at":null,"is_active":true,"is_deleted":false,"disease":\#(disease),"percentage":null}"#.utf8)
            }
            let poison: [(value: [UInt8], reason: String)] = [
                (legacy(createdAt: "300000000-01-01T00:00:00"), "created_at"),
                (legacy(createdAt: "-2023-01-01T00:00:00"), "created_at"),
                (envelope(id: "-5"), "image_id"),
                (envelope(id: "99999999999999999999"), "image_id"),
                (envelope(version: "-1"), "version"),
                (envelope(version: "1e30"), "version"),
                (envelope(occurredAt: "-9223372036854775808"), "occurred_at"),
                (envelope(payload: #"{"percentage":1e400,"updated_at":"2023-01-01T00:00:00"}"#), "percentage"),
                (legacy(data: "ffd8zz"), "data"),
                (legacy(disease: "\"" + String(repeating: "x", count: 2_000_000) + "\""), "bytes"),
                (legacy(disease: "\"" + String(repeating: "x", count: 300_000) + "\""), "disease"),
                (envelope(payload: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)), "nested"),
                (Array(#"{"id":9,"camera_id":1,"disease":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8), "UTF-8"),
                (Array(#"{"id":9,"id":10,"camera_id":1}"#.utf8), "duplicate key"),
                (envelope(plant: "pepper"), "plant"),
            ]
            let valid = (0...poison.count).map { index in
                ChangeEvent(created: image(Int64(100 + index), updatedAt: 1_700_000_000_000), plant: .potato,
                            occurredAt: index == 0 ? .max : 1).envelope
            }
            var messages: [KafkaOutgoingMessage] = []
            for index in 0...poison.count {
                messages.append(KafkaOutgoingMessage(topic: potato, key: Array("9".utf8), value: valid[index]))
                if index < poison.count { messages.append(KafkaOutgoingMessage(topic: potato, key: Array("9".utf8), value: poison[index].value)) }
            }
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers],
                                                                                properties: ["message.max.bytes": "4000000"]), logger: logger)
            _ = try await producer.send(messages)
            await producer.close()

            let letters = try await readDeadLetters(cluster, count: poison.count)
            #expect(letters.count == poison.count)
            for (letter, expected) in zip(letters, poison) {
                let reason = letter.header(DeadLetterHeader.reason) ?? ""
                #expect(reason.contains(expected.reason), "expected a reason with \(expected.reason): \(reason)")
                if expected.value.count > EventLimits.maxEventBytes {
                    // Cut to fit the dead-letter topic, saying so.
                    let kept = try #require(letter.value)
                    #expect(kept.count < EventLimits.maxMessageBytes && expected.value.starts(with: kept))
                    #expect(letter.header("dlq-value-truncated") == String(expected.value.count))
                } else {
                    #expect(letter.value == expected.value)
                }
            }
            for index in 0...poison.count {
                #expect(try await cluster.consumerClient.request("GET", "/image-plant/potato/\(100 + index)").status == 200, "valid create \(index)")
            }
            let consumer = try #require(cluster.consumer)
            #expect(consumer.process.isRunning && consumer.process.processIdentifier == consumerPID && cluster.earlierConsumers.isEmpty)
            #expect(try await cluster.consumerClient.request("GET", "/ready").status == 200)
        }
    }

    /// A write the consumer DB refuses for good (a constraint added by an operator) in the
    /// middle of a batch: the batch is halved until that write is alone, only its message is
    /// dead-lettered with the database's reason, every other change is applied, and the
    /// consumer stays ready.
    @Test(arguments: [TestStore.postgres, .mongo])
    func aWriteTheDatabaseRefusesDeadLettersOnlyItsMessage(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startConsumer()
            try await store.refuseImages(withCamera: 666, url: cluster.consumerURL)
            let tomato = cluster.topicPrefix + "tomato"
            let images = (1...9).map { id in
                Image(id: id, cameraID: id == 5 ? 666 : id, data: [0xFF, 0xD8], gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2),
                      createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000), updatedAt: nil)
            }
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: logger)
            // One key, one partition: the nine creates reach the consumer as one batch.
            _ = try await producer.send(images.map {
                KafkaOutgoingMessage(topic: tomato, key: Array("1".utf8), value: ChangeEvent(created: $0, plant: .tomato, occurredAt: 1).envelope)
            })
            await producer.close()
            let letters = try await readDeadLetters(cluster, count: 1)
            #expect(letters.count == 1)
            let reason = letters.first?.header(DeadLetterHeader.reason) ?? ""
            #expect(reason.contains("refused"), "\(reason)")
            #expect(letters.first.flatMap { try? ChangeEvent(envelope: $0.value ?? []) }?.imageID == 5)
            for id in 1...9 where id != 5 {
                #expect(try await cluster.consumerClient.request("GET", "/image-plant/tomato/\(id)").status == 200, "tomato \(id)")
            }
            #expect(try await cluster.consumerClient.request("GET", "/image-plant/tomato/5").status == 404)
            #expect(try await cluster.consumerClient.request("GET", "/ready").status == 200)
        }
    }

    /// Reads `count` messages of the cluster's dead-letter topic, in order.
    func readDeadLetters(_ cluster: SyncCluster, count: Int) async throws -> [KafkaMessage] {
        let configuration = KafkaConfiguration(bootstrapServers: [cluster.brokers],
                                               properties: ["session.timeout.ms": "6000", "heartbeat.interval.ms": "1500"])
        let consumer = try KafkaConsumer(configuration: configuration, groupID: cluster.groupID + "-dlq",
                                         topics: [cluster.topicPrefix + "dead-letter"], logger: logger)
        var letters: [KafkaMessage] = []
        do {
            _ = try await eventually("\(count) dead letters", timeout: .seconds(60)) { () async throws -> Bool? in
                letters += try await consumer.poll(timeout: .milliseconds(200))
                return letters.count >= count ? true : nil
            }
        } catch {
            await consumer.close()
            throw TestFailure("\(error); got \(letters.count): \(letters.map { $0.header(DeadLetterHeader.reason) ?? "?" })")
        }
        await consumer.close()
        return letters.sorted { $0.header(DeadLetterHeader.offset).flatMap(Int64.init) ?? 0 < $1.header(DeadLetterHeader.offset).flatMap(Int64.init) ?? 0 }
    }
}

/// The dead-letter header names (the consumer's contract, documented in docs/events.md).
enum DeadLetterHeader {
    static let reason = "dlq-reason"
    static let topic = "dlq-original-topic"
    static let offset = "dlq-original-offset"
}

extension KafkaMessage {
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
