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

    /// Publishes `count` messages at `qos`, round-robin over `topics`, and returns once every one
    /// is acknowledged (QoS 1) or written (QoS 0): one `mosquitto_pub -l` (C, libmosquitto) per
    /// topic, all at once, each reading its share from a file. The C client puts 20,000 QoS 1
    /// messages through in ~1.5 s with little CPU; paho-mqtt took 7 s alone and over 60 s when the
    /// test run kept both cores busy.
    ///
    /// Message `i` goes to `topics[i % topics.count]` with the payload `{"seq":s,"value":s.5}`,
    /// `s = firstSeq + i`. Client ids are `clientID` (one topic) or `clientID-k` (topic k).
    public static func publishBulk(
        port: Int, count: Int, qos: Int, topics: [String], clientID: String? = nil,
        protocolVersion: Int = 4, firstSeq: Int = 0, timeout: Duration = .seconds(60)
    ) async throws {
        precondition(!topics.isEmpty, "publishBulk needs at least one topic")
        let directory = try TemporaryDirectory(prefix: "haetae-bulk")
        defer { directory.remove() }
        let id = clientID ?? "haetae-bulk-\(UUID().uuidString.prefix(8))"
        var script = "pids=''\n"
        for (k, topic) in topics.enumerated() {
            var lines = ""
            for i in stride(from: k, to: count, by: topics.count) {
                let seq = firstSeq + i
                lines += #"{"seq":\#(seq),"value":\#(seq).5}"# + "\n"
            }
            let file = directory.file("topic-\(k).txt")
            try lines.write(toFile: file, atomically: true, encoding: .utf8)
            let client = topics.count == 1 ? id : "\(id)-\(k)"
            script += "mosquitto_pub -h 127.0.0.1 -p \(port) -q \(qos) -V \(protocolVersion == 5 ? "mqttv5" : "mqttv311")"
                + " -i '\(client)' -t '\(topic)' -l < '\(file)' & pids=\"$pids $!\"\n"
        }
        script += "rc=0; for p in $pids; do wait $p || rc=1; done; exit $rc\n"
        // From a file: a thousand topics make a script longer than one argument may be (128 KiB).
        let scriptFile = directory.file("publish.sh")
        try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
        try await ChildProcess.run("/bin/sh", [scriptFile], timeout: timeout + .seconds(5))
    }

    /// The retained message on `topic` (its payload), or `""` when there is none: one
    /// `mosquitto_sub --retained-only` that waits `wait` (whole seconds, at least 1) for it.
    public static func retained(port: Int, topic: String, wait: Int = 1) async throws -> String {
        let arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "--retained-only", "-C", "1", "-W", "\(max(1, wait))",
        ]
        let child = try ChildProcess("mosquitto_sub", arguments)
        guard let status = await child.waitForExit(timeout: .seconds(wait + 10)) else {
            child.kill()
            throw TestSupportError("mosquitto_sub \(arguments.joined(separator: " ")) did not finish: \(child.output())")
        }
        // 27: its -W timeout passed without a message, i.e. nothing is retained there.
        guard status == 0 || status == 27 else {
            throw TestSupportError("mosquitto_sub \(arguments.joined(separator: " ")) exited with \(status): \(child.output())")
        }
        return status == 27 ? "" : child.standardOutput().trimmingCharacters(in: .newlines)
    }
}
