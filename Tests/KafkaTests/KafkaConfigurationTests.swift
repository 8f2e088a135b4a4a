import Kafka
import Testing

@Suite("Kafka configuration")
struct KafkaConfigurationTests {
    @Test func anUnknownPropertyIsNamedInTheError() {
        let configuration = KafkaConfiguration(bootstrapServers: ["127.0.0.1:1"], properties: ["no.such.property": "1"])
        #expect {
            _ = try KafkaProducer(configuration: configuration, logger: KafkaTestSupport.logger)
        } throws: { error in
            (error as? KafkaError)?.code == .configuration && (error as? KafkaError)?.message.contains("no.such.property=1") == true
        }
    }

    @Test func anInvalidValueIsNamedInTheError() {
        let configuration = KafkaConfiguration(bootstrapServers: ["127.0.0.1:1"], properties: ["session.timeout.ms": "soon"])
        #expect {
            _ = try KafkaConsumer(configuration: configuration, groupID: "g", topics: ["t"], logger: KafkaTestSupport.logger)
        } throws: { error in
            (error as? KafkaError)?.code == .configuration && (error as? KafkaError)?.message.contains("session.timeout.ms") == true
        }
    }
}
