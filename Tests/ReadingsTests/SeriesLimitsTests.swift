import Readings
import Testing

@Suite("Series limits: per device, per second, forgetting idle series")
struct SeriesLimitsTests {
    let start: Int64 = 1_732_400_000_000

    func topic(_ device: String) -> String { "factory/seoul/line-1/\(device)" }

    /// A device object with `keys` sensors named `prefix0…`.
    func object(_ keys: Int, prefix: String = "k") -> String {
        "{" + (0..<keys).map { "\"\(prefix)\($0)\":\($0)" }.joined(separator: ",") + "}"
    }

    @Test("a device with maxSeriesPerDevice series gets no more (device_series_limit, whole message), other devices still can")
    func perDeviceLimit() throws {
        var decoder = PayloadDecoder(
            template: try TopicTemplate(), maxPayloadBytes: 1 << 20,
            seriesLimits: SeriesLimits(maxSeries: 1_000, maxSeriesPerDevice: 4))
        var out = ReadingColumns()
        #expect(decoder.decode(topic: topic("press-07"), object(3), into: &out) == .accepted(3))
        // Two more would make 5: the whole message is refused and the fourth not kept.
        #expect(decoder.decode(topic: topic("press-07"), #"{"k0":1,"x":2,"y":3}"#, into: &out) == .rejected(.deviceSeriesLimit))
        #expect(decoder.seriesTable.count == 3)
        #expect(decoder.decode(topic: topic("press-07"), #"{"k0":1,"x":2}"#, into: &out) == .accepted(2))
        #expect(decoder.decode(topic: topic("press-07"), #"{"z":1}"#, into: &out) == .rejected(.deviceSeriesLimit))
        // A 10,000-key object from another device is refused whole; a third device is untouched.
        #expect(decoder.decode(topic: topic("rogue"), object(10_000), into: &out) == .rejected(.deviceSeriesLimit))
        #expect(decoder.decode(topic: topic("pump-02"), object(4, prefix: "p"), into: &out) == .accepted(4))
        #expect(decoder.seriesTable.count == 8)
        // A unit change is a new series of the same device and counts too.
        #expect(decoder.decode(topic: topic("pump-02") + "/p0", #"{"value":1,"unit":"C"}"#, into: &out) == .rejected(.deviceSeriesLimit))
    }

    @Test("after warm-up new series are paced; a flood of new device names does not take the budget of established devices' new sensors")
    func rateCap() throws {
        var decoder = PayloadDecoder(
            template: try TopicTemplate(), maxPayloadBytes: 1 << 20,
            seriesLimits: SeriesLimits(maxSeries: 100_000, maxSeriesPerDevice: 256, maxNewSeriesPerSecond: 100, warmupMillis: 1_000))
        var out = ReadingColumns()
        // Warm-up: the first second learns anything (an edge that starts sees the whole plant).
        for device in 0..<500 {
            #expect(decoder.decode(topic: topic("dev-\(device)"), #"{"t":1}"#, receivedAtMillis: start, into: &out) == .accepted(1))
        }
        // After warm-up: a flood of 1,000 new devices within one second gets one burst (100).
        let now = start + 2_000
        var accepted = 0, paced = 0
        for device in 0..<1_000 {
            switch decoder.decode(topic: topic("rogue-\(device)"), #"{"t":1}"#, receivedAtMillis: now, into: &out) {
            case .accepted: accepted += 1
            case .rejected(.seriesRate): paced += 1
            case .rejected(let other): Issue.record("unexpected \(other)")
            }
        }
        #expect(accepted == 100 && paced == 900)
        // A device invented during the flood is not established: its next sensor pays from the
        // drained shared budget, so inventing devices cannot reach an established device's budget.
        #expect(decoder.decode(topic: topic("rogue-0"), #"{"t":1,"more":2}"#, receivedAtMillis: now, into: &out) == .rejected(.seriesRate))
        // Meanwhile an established device adds sensors from its own budget (64 at once).
        #expect(decoder.decode(topic: topic("dev-7"), #"{"pressure":2}"#, receivedAtMillis: now, into: &out) == .accepted(1))
        #expect(decoder.decode(topic: topic("dev-8"), object(64, prefix: "p"), receivedAtMillis: now, into: &out) == .accepted(64))
        #expect(decoder.decode(topic: topic("dev-8"), #"{"one_more":1}"#, receivedAtMillis: now, into: &out) == .rejected(.seriesRate))
        // Known series never pay.
        #expect(decoder.decode(topic: topic("rogue-5"), #"{"t":2}"#, receivedAtMillis: now, into: &out) == .accepted(1))
        // Half a second later half a burst has come back.
        var later = 0
        for device in 1_000..<1_200 {
            if decoder.decode(topic: topic("rogue-\(device)"), #"{"t":1}"#, receivedAtMillis: now + 500, into: &out) == .accepted(1) { later += 1 }
        }
        #expect(later == 50)
    }

    @Test("the shared bucket refills with time, never beyond one second's burst, and survives a clock stepping back; an established device has its own 64")
    func rateCapBuckets() {
        var cap = NewSeriesRateCap(perSecond: 10, warmupMillis: 0)
        var young: DeviceBudget? = nil
        let first = cap.admit(device: &young, nowMillis: 0)  // starts the (empty) warm-up
        #expect(first)
        var admitted = 0
        for _ in 0..<50 where cap.admit(device: &young, nowMillis: 1) { admitted += 1 }
        #expect(admitted == 10)
        let drained = cap.admit(device: &young, nowMillis: 50)
        #expect(!drained)
        let refilled = cap.admit(device: &young, nowMillis: 201)  // 2 tokens back after 200 ms
        #expect(refilled)
        var established: DeviceBudget? = .established(nowMillis: 300)
        admitted = 0
        for _ in 0..<100 where cap.admit(device: &established, nowMillis: 300) { admitted += 1 }
        #expect(admitted == 64, "its own burst, whatever the shared bucket holds")
        let nextSecond = cap.admit(device: &established, nowMillis: 1_300)
        #expect(nextSecond)
        var steppedBack: DeviceBudget? = nil
        let afterStep = cap.admit(device: &steppedBack, nowMillis: 5)  // clock stepped back: a fresh burst
        #expect(afterStep)
    }

    @Test("idle series are forgotten and the rest renumbered in order; the columns carry the renumbering; a forgotten series comes back as new")
    func forgetting() throws {
        var decoder = PayloadDecoder(
            template: try TopicTemplate(), maxPayloadBytes: 1 << 20,
            seriesLimits: SeriesLimits(maxSeries: 1_000, maxSeriesPerDevice: 3))
        var out = ReadingColumns()
        #expect(decoder.decode(topic: topic("a"), #"{"t":1,"p":2}"#, receivedAtMillis: start, into: &out) == .accepted(2))
        #expect(decoder.decode(topic: topic("b"), #"{"t":1}"#, receivedAtMillis: start, into: &out) == .accepted(1))
        #expect(decoder.decode(topic: topic("a"), #"{"p":3,"q":4}"#, receivedAtMillis: start + 60_000, into: &out) == .accepted(2))
        // ids: a/t 0, a/p 1, b/t 2, a/q 3; a/t and b/t idle since `start`.
        #expect(decoder.seriesTable.idleCount(beforeMillis: start + 30_000) == 2)
        #expect(decoder.decode(topic: topic("a"), #"{"r":1}"#, receivedAtMillis: start + 60_000, into: &out) == .rejected(.deviceSeriesLimit))

        var fresh = ReadingColumns()
        #expect(decoder.forgetSeries(idleBeforeMillis: start + 30_000, into: &fresh) == 2)
        #expect(fresh.renumbering == SeriesRenumbering(newIDs: [SeriesRenumbering.forgotten, 0, SeriesRenumbering.forgotten, 1]))
        #expect(decoder.seriesTable.count == 2)
        #expect(decoder.seriesTable.series(0).sensor == "p" && decoder.seriesTable.series(1).sensor == "q")
        #expect(fresh.renumbering?.apply(to: [10, 11, 12, 13], missing: -1) == [11, 13])
        // Known series keep resolving to their new ids; the device has room again.
        #expect(decoder.decode(topic: topic("a"), #"{"q":5,"p":6,"r":7}"#, receivedAtMillis: start + 61_000, into: &fresh) == .accepted(3))
        #expect(fresh.sid == [1, 0, 2])
        #expect(fresh.newSeries.map(\.series.sensor) == ["r"])
        // b/t comes back as a new series with the next id.
        #expect(decoder.decode(topic: topic("b"), #"{"t":9}"#, receivedAtMillis: start + 61_000, into: &fresh) == .accepted(1))
        #expect(fresh.newSeries.map(\.id) == [2, 3])
        // Nothing idle: nothing changes.
        var again = ReadingColumns()
        #expect(decoder.forgetSeries(idleBeforeMillis: start + 30_000, into: &again) == 0)
        #expect(again.renumbering == nil)
    }

    @Test("forgetting keeps the hash table consistent at scale: every kept series resolves to its new id, none is duplicated")
    func forgettingAtScale() {
        var table = SeriesTable(limits: SeriesLimits(maxSeries: 50_000, maxSeriesPerDevice: 50_000, maxNewSeriesPerSecond: 50_000))
        func series(_ index: Int) -> Series { Series(site: "s", line: "l\(index % 13)", device: "d\(index % 997)", sensor: "x\(index)") }
        for index in 0..<30_000 {
            #expect(table.intern(series(index), nowMillis: index % 3 == 0 ? start : start + 10_000) == SeriesID(index))
        }
        let renumbering = table.forget(idleBeforeMillis: start + 5_000)
        #expect(renumbering?.forgottenCount == 10_000)
        #expect(table.count == 20_000)
        var expected = SeriesID(0)
        for index in 0..<30_000 where index % 3 != 0 {
            #expect(table.intern(series(index), nowMillis: start + 20_000) == expected)
            expected += 1
        }
        #expect(table.count == 20_000)
        #expect(table.intern(series(0), nowMillis: start + 20_000) == 20_000)
    }
}
