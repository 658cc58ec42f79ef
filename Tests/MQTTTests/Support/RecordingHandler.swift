import Foundation
import MQTT
import Synchronization

/// A handler that records what it gets, readable from the test's thread.
// @unchecked Sendable: all state is behind the Mutex (the client calls from its loop thread, the test reads from its own).
final class RecordingHandler: MQTTMessageHandler, @unchecked Sendable {
    struct Message: Sendable, Equatable {
        var topic: String
        var payload: String
        var qos: Int
        var retained: Bool
    }

    private struct Record {
        var messages: [Message] = []
        var states: [MQTTConnectionState] = []
        var idleTicks = 0
    }

    private let record = Mutex(Record())
    /// While set, `handleMessage` does not return: a frozen process (SIGSTOP) as the broker sees it.
    let frozen = Atomic<Bool>(false)
    /// Time each message takes (a slow consumer lets the broker's in-flight window fill up).
    private let delayMicros: UInt32

    init(delayMicros: UInt32 = 0) {
        self.delayMicros = delayMicros
    }

    func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool) {
        if delayMicros > 0 { usleep(delayMicros) }
        while frozen.load(ordering: .acquiring) { usleep(1_000) }
        // Copies: the buffers are only valid during this call.
        let message = Message(
            topic: String(decoding: topic, as: UTF8.self), payload: String(decoding: payload, as: UTF8.self),
            qos: qos, retained: retained)
        record.withLock { $0.messages.append(message) }
    }

    func handleConnectionState(_ state: MQTTConnectionState) {
        record.withLock { $0.states.append(state) }
    }

    func handleIdle(nowNanos: UInt64) {
        record.withLock { $0.idleTicks += 1 }
    }

    var messages: [Message] { record.withLock { $0.messages } }
    var messageCount: Int { record.withLock { $0.messages.count } }
    var states: [MQTTConnectionState] { record.withLock { $0.states } }
    var idleTicks: Int { record.withLock { $0.idleTicks } }

    /// The `seq` values of all messages (payloads from `Publisher.publishBulk`).
    var sequenceNumbers: [Int] {
        messages.compactMap { message in
            guard let start = message.payload.range(of: "\"seq\":") else { return nil }
            return Int(message.payload[start.upperBound...].prefix { $0.isNumber })
        }
    }
}
