import Foundation

/// Puts messages on a broker from outside the code under test.
public enum Publisher {
    /// Publishes one message with `mosquitto_pub` and returns when it is done.
    /// - Parameters:
    ///   - protocolVersion: 4 (MQTT 3.1.1) or 5.
    ///   - extraArguments: more `mosquitto_pub` options (`-u`, `--cafile`, …).
    public static func publish(
        port: Int, topic: String, payload: String, qos: Int = 0, retain: Bool = false,
        protocolVersion: Int = 4, extraArguments: [String] = [], timeout: Duration = .seconds(10)
    ) async throws {
        var arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "-m", payload, "-q", "\(qos)",
            "-V", protocolVersion == 5 ? "mqttv5" : "mqttv311",
        ]
        if retain { arguments.append("-r") }
        try await ChildProcess.run("mosquitto_pub", arguments + extraArguments, timeout: timeout)
    }

    /// Publishes `count` messages at `qos` with python3 + paho-mqtt, round-robin over
    /// `topics`, and returns once every one is acknowledged (QoS 1) or written (QoS 0).
    ///
    /// Message `i` has the payload `{"seq":s,"value":s.5}` with `s = firstSeq + i`.
    public static func publishBulk(
        port: Int, count: Int, qos: Int, topics: [String], clientID: String? = nil,
        protocolVersion: Int = 4, firstSeq: Int = 0, timeout: Duration = .seconds(60)
    ) async throws {
        precondition(!topics.isEmpty, "publishBulk needs at least one topic")
        let directory = try TemporaryDirectory(prefix: "haetae-bulk")
        let script = directory.file("bulk_publish.py")
        try bulkScript.write(toFile: script, atomically: true, encoding: .utf8)
        let seconds = Double(timeout.components.seconds)
        try await ChildProcess.run(
            "python3",
            [script, "127.0.0.1", "\(port)", "\(count)", "\(qos)", clientID ?? "haetae-bulk-\(UUID().uuidString.prefix(8))", "\(protocolVersion)", "\(seconds)", "\(firstSeq)"] + topics,
            timeout: timeout + .seconds(5))
    }

    private static let bulkScript = #"""
    import sys, threading, time
    import paho.mqtt.client as mqtt

    host, port, count, qos, client_id, proto, timeout, first = (
        sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
        sys.argv[5], int(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8]))
    topics = sys.argv[9:]
    deadline = time.monotonic() + timeout
    connected = threading.Event()

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code == 0:
            connected.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5 if proto == 5 else mqtt.MQTTv311)
    client.on_connect = on_connect
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port, 30)
    client.loop_start()
    if not connected.wait(max(0.1, deadline - time.monotonic())):
        print("not connected", file=sys.stderr)
        sys.exit(3)
    infos = []
    for i in range(count):
        infos.append(client.publish(topics[i % len(topics)], '{"seq":%d,"value":%d.5}' % (first + i, first + i), qos=qos))
    for info in infos:
        info.wait_for_publish(max(0.1, deadline - time.monotonic()))
        if not info.is_published():
            print("timed out waiting for acknowledgements", file=sys.stderr)
            sys.exit(3)
    client.disconnect()
    client.loop_stop()
    print(count)
    """#
}
