import Clocks
import Foundation
import Readings
import TestSupport
import Testing

/// The page's device cards from the core's device registry, in a real headless Chromium: last
/// seen, silent since, a clock that is off and messages missing. The test posts batches as an
/// edge does, with the edge's `received` window (one taken five minutes ago: a silent device).
@Suite("Device cards in Chromium (integration)", .serialized, .timeLimit(.minutes(3)))
struct DeviceCardsBrowserTests {
    @Test("a device with a clock ahead and messages missing is flagged, a silent one says since when, a healthy one when last seen")
    func deviceCards() async throws {
        let core = try CoreProcess()
        try await core.start()
        let now = WallClock.millis()
        let skewed = Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")
        let healthy = Series(site: "seoul", line: "line1", device: "press-02", sensor: "temperature", unit: "C")
        let quiet = Series(site: "seoul", line: "line2", device: "pump-01", sensor: "pressure", unit: "kPa")
        // press-01: 90 s ahead, seq 0...9 without 4 and 5; press-02: in step; pump-01: last heard 5 minutes ago.
        var sid: [UInt32] = [], ts: [Int64] = [], seqs: [Int64] = []
        for (index, seq) in [Int64(0), 1, 2, 3, 6, 7, 8, 9].enumerated() {
            let at = now - 1_000 + Int64(index)
            sid += [0, 1]
            ts += [at + 90_000, at]
            seqs += [seq, Int64(index)]
        }
        var recent = Batch(
            edge: "seoul-a", seq: 1, series: [skewed, healthy], sid: sid, ts: ts, value: Array(repeating: 20, count: sid.count), deviceSeq: seqs)
        recent.received = (now - 2_000)...now
        var old = Batch(edge: "seoul-a", seq: 2, series: [quiet], sid: [0, 0], ts: [now - 300_000, now - 299_000], value: [3, 3], deviceSeq: [1, 2])
        old.received = (now - 301_000)...(now - 299_000)
        #expect(try core.post(recent)?.status == 200)
        #expect(try core.post(old)?.status == 200)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/devices_check.py").path
        let check = try ChildProcess("python3", [script, "http://127.0.0.1:\(core.port)/", "seoul/line1/press-01", "seoul/line1/press-02", "seoul/line2/pump-01"])
        #expect(await check.waitForExit(timeout: .seconds(90)) == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        let cards = try #require(result["cards"] as? [[String: Any]], "\(result)")
        let press1 = cards[0], press2 = cards[1], pump = cards[2]
        let flags1 = (press1["flags"] as? [[String]] ?? []).map { $0.joined(separator: ":") }
        #expect(flags1 == ["clock:clock off +90 s", "missing:messages missing 2"], "\(press1)")
        #expect((press1["seen"] as? String)?.hasPrefix("last seen ") == true)
        #expect((press2["flags"] as? [Any])?.isEmpty == true, "\(press2)")
        #expect((press2["cls"] as? String)?.contains("ok") == true, "\(press2)")
        #expect((pump["seen"] as? String)?.hasPrefix("silent since ") == true, "\(pump)")
        #expect((pump["cls"] as? String)?.contains("stale") == true, "\(pump)")
        #expect(await core.stop() == 0)
    }
}
