/// Receives everything a running ``MQTTClient`` sees.
///
/// Every method runs on the thread that called ``MQTTClient/run(handler:pollInterval:)``,
/// one call at a time, so an implementation may keep mutable decode state without locks.
/// It is a class (`AnyObject`) because it is held by reference for the whole run.
/// Keep the methods short: while they run, the client neither reads nor acknowledges.
public protocol MQTTMessageHandler: AnyObject {
    /// One received PUBLISH.
    ///
    /// - Important: `topic` and `payload` point into libmosquitto's message buffer and are
    ///   valid **only during this call**. Copy what must outlive it.
    /// - Parameters:
    ///   - topic: the topic name as UTF-8 bytes, without a terminating NUL.
    ///   - payload: the payload bytes (possibly empty).
    ///   - qos: the QoS the message was delivered with.
    ///   - retained: whether the broker delivered it from its retained store.
    func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool)

    /// The connection state changed (also readable as ``MQTTClient/connectionState``).
    func handleConnectionState(_ state: MQTTConnectionState)

    /// Called after every loop iteration (at most `pollInterval` apart, also while
    /// disconnected) so the handler can flush time-based work such as a commit window.
    /// - Parameter nowNanos: a monotonic clock reading (`CLOCK_MONOTONIC`) in nanoseconds.
    func handleIdle(nowNanos: UInt64)

    /// A QoS 1 message this client published was acknowledged (PUBACK), or a QoS 0 one was
    /// written to the socket. `mid` is what ``MQTTClient/publish(topic:payload:qos:retain:)``
    /// returned.
    func handlePublishAcknowledged(mid: Int32)
}

extension MQTTMessageHandler {
    /// Subscribers need not care about their own publishes.
    public func handlePublishAcknowledged(mid: Int32) {}
}
