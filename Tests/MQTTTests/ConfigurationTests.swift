import Logging
import MQTT
import Testing

@Suite("Configuration and errors")
struct ConfigurationTests {
    @Test("descriptions of a configuration never contain the password")
    func passwordRedacted() {
        var configuration = MQTTConfiguration(clientID: "edge")
        configuration.username = "edge-user"
        configuration.password = "hunter2-secret"
        #expect(!configuration.description.contains("hunter2-secret"))
        #expect(configuration.description.contains("<redacted>"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2-secret"))
        #expect(!String(reflecting: configuration).contains("hunter2-secret"))
    }

    @Test("an invalid subscription filter is rejected before any I/O, naming the filter")
    func invalidFilter() {
        var configuration = MQTTConfiguration(clientID: "edge")
        configuration.subscriptions = ["factory/#/temperature"]
        #expect {
            _ = try MQTTClient(configuration: configuration, logger: Logger(label: "test"))
        } throws: { error in
            guard let error = error as? MQTTError else { return false }
            return error.call.contains("factory/#/temperature") && error.description.contains("mosquitto_sub_topic_check")
        }
    }

    @Test("a persistent session without a client id is rejected")
    func persistentNeedsClientID() {
        #expect(throws: MQTTError.self) {
            _ = try MQTTClient(configuration: MQTTConfiguration(clientID: ""), logger: Logger(label: "test"))
        }
    }

    @Test("an unreadable CA file fails in init, naming mosquitto_tls_set and the file")
    func missingCAFile() {
        var configuration = MQTTConfiguration(clientID: "edge")
        configuration.tls = .init(caFile: "/nonexistent/ca.crt")
        #expect {
            _ = try MQTTClient(configuration: configuration, logger: Logger(label: "test"))
        } throws: { error in
            (error as? MQTTError)?.description.contains("mosquitto_tls_set(caFile: /nonexistent/ca.crt") == true
        }
    }
}
