import Ownership
import Testing

@Suite("Watch handover: record codec, full records and changes, the last-seen rule")
struct WatchHandoverTests {
    static func series(_ device: String, _ sensor: String = "temperature", unit: String = "C", seen: Int64) -> HandedOverWatch.Series {
        .init(site: "seoul", line: "line1", device: device, sensor: sensor, unit: unit, lastSeenMillis: seen)
    }

    /// press-07 silent since 60 s, press-08 reporting (seen 0.5 s before the record).
    static let watch = HandedOverWatch(epoch: 4, edge: "seoul-a", atMillis: 100_000, series: [
        series("press-07", seen: 60_000), series("press-08", "rpm", unit: "", seen: 99_500), series("press-07", "pressure", unit: "bar", seen: 61_000),
    ])

    @Test("a watch survives encoding and decoding; a reporting series travels without its time and comes back as seen when the record was made")
    func roundTrip() throws {
        let decoded = try HandedOverWatchCodec.decode(HandedOverWatchCodec.encode(Self.watch))
        // Grouped by device on the wire: press-07's two sensors, then press-08, reporting.
        var expected = Self.watch
        expected.series = [Self.watch.series[0], Self.watch.series[2], Self.watch.series[1]]
        expected.series[2].lastSeenMillis = 100_000
        #expect(decoded == expected)
        var changes = Self.watch
        changes.baseAtMillis = 70_000
        #expect(try HandedOverWatchCodec.decode(HandedOverWatchCodec.encode(changes)).baseAtMillis == 70_000)
        #expect(HandedOverWatch.topic(site: "seoul") == "haetae/seoul/watch")
        #expect(HandedOverWatch.changesTopic(site: "seoul") == "haetae/seoul/watch/changes")
    }

    @Test("the record is grouped by device: 100,000 reporting series of 20,000 devices take under 3 MB, a quarter of one entry per series")
    func groupedByDevice() {
        let sensors = ["temperature", "pressure", "vibration", "current", "humidity"]
        var series: [HandedOverWatch.Series] = []
        for device in 0..<20_000 {
            for sensor in sensors { series.append(Self.series("press-\(device)", sensor, seen: 1_796_000_000_000)) }
        }
        let bytes = HandedOverWatchCodec.encode(HandedOverWatch(epoch: 1, edge: "seoul-a", atMillis: 1_796_000_000_500, series: series)).count
        print("watch record, 100,000 reporting series of 20,000 devices: \(bytes) bytes")
        #expect(bytes < 3_000_000, "\(bytes) bytes")
        let two = String(decoding: HandedOverWatchCodec.encode(HandedOverWatch(epoch: 1, edge: "seoul-a", atMillis: 1_796_000_000_500, series: Array(series.prefix(2)))), as: UTF8.self)
        #expect(two.contains(#""n":["temperature","pressure"]"#) && two.contains(#""t":[0,0]"#) && two.contains(#""d":"press-0""#), "\(two)")
    }

    @Test("a bad watch is refused with the field named")
    func refusesBadRecords() {
        let head = #"{"v":2,"epoch":1,"edge":"a","at":100"#
        let cases: [(String, SiteRecordError)] = [
            ("", .empty),
            ("{}", .malformed("field v missing")),
            (#"{"v":1,"epoch":1,"edge":"a","at":1,"devices":[]}"#, .field("v", "version 1 is not 2")),
            (head + #","devices":[{"s":"x"}]}"#, .malformed("field devices[0].l missing")),
            (#"{"v":2,"epoch":0,"edge":"a","at":1,"devices":[]}"#, .field("epoch", "0 is not in 1…9007199254740992")),
            (#"{"v":2,"epoch":1,"edge":"a","at":-1,"devices":[]}"#, .field("at", "-1 is not a time in 1970…9999 (ms)")),
            (head + #","base":200,"devices":[]}"#, .field("base", "200 is not a time in 1970…9999 (ms) before at")),
            (head + #","devices":[{"s":"seoul","l":"","d":"d","n":[],"u":[],"t":[]}]}"#,
             .field("devices[0].l", "empty, longer than 256 bytes or with control characters")),
            (head + #","devices":[{"s":"seoul","l":"l","d":"d","n":["a","b"],"u":[""],"t":[0,0]}]}"#,
             .field("devices[0]", "2 sensors but 1 units and 2 times")),
            (head + #","devices":[{"s":"seoul","l":"l","d":"d","n":[""],"u":[""],"t":[0]}]}"#,
             .field("devices[0].n[0]", "empty, longer than 256 bytes or with control characters")),
            (head + #","devices":[{"s":"seoul","l":"l","d":"d","n":["n"],"u":["\u0001"],"t":[1]}]}"#,
             .field("devices[0].u[0]", "longer than 256 bytes or with control characters")),
            (head + #","devices":[{"s":"seoul","l":"l","d":"d","n":["n"],"u":[""],"t":[-7]}]}"#,
             .field("devices[0].t[0]", "-7 is neither 0 (reporting) nor a time in 1970…9999 (ms)")),
        ]
        for (payload, expected) in cases {
            #expect(throws: expected, "\(payload)") { try HandedOverWatchCodec.decode(Array(payload.utf8)) }
        }
    }

    @Test("a series silent when the watch was made keeps its time; one that was reporting counts as seen at the takeover, so absent never fires early")
    func lastSeenRule() {
        let silent = Self.watch.series[0], reporting = Self.watch.series[1]
        #expect(Self.watch.lastSeen(of: silent, takeoverMillis: 103_000) == 60_000)
        #expect(Self.watch.lastSeen(of: reporting, takeoverMillis: 103_000) == 103_000)
    }

    @Test("the schedule sends a full record first, then only what changed since it, and a full one again after a new epoch, a dropped series or ten minutes")
    func scheduleSendsChanges() {
        var schedule = WatchRecordSchedule()
        var watched = [Self.series("a", seen: 9_000), Self.series("b", seen: 9_500), Self.series("c", seen: 1_000)]
        let first = schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 10_000, watched: watched)
        #expect(first.baseAtMillis == nil && first.series == watched)

        // 5 s later a and b still report, c still silent: nothing changed, a record all the same
        // (it says "reporting at 15 s").
        watched[0].lastSeenMillis = 14_900
        watched[1].lastSeenMillis = 14_800
        let quiet = schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 15_000, watched: watched)
        #expect(quiet.baseAtMillis == 10_000 && quiet.atMillis == 15_000 && quiet.series.isEmpty)

        // b falls silent, c reports again, d is new: exactly those three.
        watched[0].lastSeenMillis = 24_900
        watched[2].lastSeenMillis = 24_000
        watched.append(Self.series("d", seen: 24_500))
        let changes = schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 25_000, watched: watched)
        #expect(changes.baseAtMillis == 10_000)
        #expect(changes.series.map(\.device) == ["b", "c", "d"])

        // Cumulative: 5 s later the same changes again, not nothing.
        watched[0].lastSeenMillis = 29_900
        watched[2].lastSeenMillis = 29_000
        watched[3].lastSeenMillis = 29_000
        #expect(schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 30_000, watched: watched).series.map(\.device) == ["b", "c", "d"])

        #expect(schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 609_999, watched: watched).baseAtMillis == 10_000)
        #expect(schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 610_000, watched: watched).baseAtMillis == nil, "ten minutes after the full one")
        #expect(schedule.record(epoch: 3, edge: "seoul-a", nowMillis: 615_000, watched: watched).baseAtMillis == nil, "a new epoch")
        watched.removeLast()
        #expect(schedule.record(epoch: 3, edge: "seoul-a", nowMillis: 620_000, watched: watched).baseAtMillis == nil, "d no longer watched")
        #expect(schedule.record(epoch: 3, edge: "seoul-a", nowMillis: 625_000, watched: watched).baseAtMillis == 620_000)
        schedule.reset()
        #expect(schedule.record(epoch: 3, edge: "seoul-a", nowMillis: 630_000, watched: watched).baseAtMillis == nil, "after a failed publish")
    }

    @Test("the schedule sends a full record instead of changes larger than an eighth of it")
    func scheduleFallsBackToFull() {
        var schedule = WatchRecordSchedule()
        var watched = (0..<4_000).map { Self.series("d\($0)", seen: 9_000) }
        _ = schedule.record(epoch: 1, edge: "seoul-a", nowMillis: 10_000, watched: watched)
        for index in 0..<500 { watched[index].lastSeenMillis = 15_000 }  // the other 3,500 fall silent
        #expect(schedule.record(epoch: 1, edge: "seoul-a", nowMillis: 16_000, watched: watched).baseAtMillis == nil)
        for index in 400..<500 { watched[index].lastSeenMillis = 21_500 }  // the other 400 of the 500 fall silent too
        let changes = schedule.record(epoch: 1, edge: "seoul-a", nowMillis: 22_000, watched: watched)
        #expect(changes.baseAtMillis == 16_000 && changes.series.count == 400, "\(changes.series.count)")
    }

    @Test("full record plus its changes give what the active watched when the changes were made; changes of another full record are not applied")
    func applyingChanges() throws {
        var schedule = WatchRecordSchedule()
        var watched = [Self.series("a", seen: 9_000), Self.series("b", seen: 9_500), Self.series("c", seen: 1_000)]
        let full = schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 10_000, watched: watched)
        watched[0].lastSeenMillis = 24_900
        watched[1].lastSeenMillis = 12_000  // silent since 12 s
        watched[2].lastSeenMillis = 24_000
        watched.append(Self.series("d", seen: 24_500))
        let changes = schedule.record(epoch: 2, edge: "seoul-a", nowMillis: 25_000, watched: watched)
        // Both as the standby gets them: through the codec.
        let merged = try #require(HandedOverWatchCodec.decode(HandedOverWatchCodec.encode(full))
            .applying(HandedOverWatchCodec.decode(HandedOverWatchCodec.encode(changes))))
        #expect(merged.atMillis == 25_000 && merged.baseAtMillis == nil)
        #expect(merged.series.map(\.device) == ["a", "b", "c", "d"])
        // a reported until the changes (and so counts as seen at a later takeover); b silent since 12 s.
        #expect(merged.series.map { merged.lastSeen(of: $0, takeoverMillis: 27_000) } == [27_000, 12_000, 27_000, 27_000])

        var foreign = changes
        foreign.baseAtMillis = 5_000
        #expect(full.applying(foreign) == nil)
        foreign = changes
        foreign.epoch = 3
        #expect(full.applying(foreign) == nil)
    }
}
