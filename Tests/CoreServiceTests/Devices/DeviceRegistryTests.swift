import Readings
import Testing

@testable import CoreService

@Suite struct DeviceRegistryTests {
    let start: Int64 = 1_764_000_000_000
    let temperature = Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")
    let pressure = Series(site: "seoul", line: "line1", device: "press-01", sensor: "pressure", unit: "kPa")
    let kiln = Series(site: "gwangju", line: "kilns", device: "kiln-3", sensor: "temp", unit: "C")

    /// A batch where press-01 sends both sensors per message and kiln-3 one, each numbered.
    func batch(seq: Int64, pressSeqs: [Int64], kilnSeqs: [Int64], at: Int64, pressSkew: Int64 = 0) -> Batch {
        var sid: [UInt32] = [], ts: [Int64] = [], dseq: [Int64] = []
        for seqNumber in pressSeqs {
            sid += [0, 1]
            ts += [at + pressSkew, at + pressSkew]
            dseq += [seqNumber, seqNumber]
        }
        for seqNumber in kilnSeqs {
            sid.append(2)
            ts.append(at)
            dseq.append(seqNumber)
        }
        var batch = Batch(
            edge: "seoul-a", seq: seq, series: [temperature, pressure, kiln], sid: sid, ts: ts, value: ts.map { _ in 1 }, deviceSeq: dseq)
        batch.received = (at - 500)...(at + 500)
        return batch
    }

    @Test func buildsEachDeviceFromItsReadings() throws {
        let registry = DeviceRegistry()
        registry.record(batch(seq: 1, pressSeqs: [0, 1], kilnSeqs: [10], at: start), receivedAtMillis: start + 9_000)
        registry.record(batch(seq: 2, pressSeqs: [2, 5], kilnSeqs: [11, 12], at: start + 60_000), receivedAtMillis: start + 70_000)
        let devices = registry.devices()
        #expect(devices.map(\.key.device) == ["kiln-3", "press-01"])
        let press = try #require(devices.last)
        #expect(press.firstSeenMillis == start + 500)  // the edge's seal time, not the core's
        #expect(press.lastSeenMillis == start + 60_500)
        #expect(press.readings == 8)
        #expect(press.sensors.map(\.name).sorted() == ["pressure", "temperature"])
        #expect(press.seq.missing == 2)  // 3 and 4
        #expect(devices.first?.seq.missing == 0)
        #expect(registry.devices(site: "gwangju").map(\.key.device) == ["kiln-3"])
        #expect(registry.devices(site: "seoul", line: "line2").isEmpty)
    }

    @Test func flagsADeviceWhoseClockIsOff() {
        let registry = DeviceRegistry(clockThresholdMillis: 2_000)
        for index in 0..<5 {
            let at = start + Int64(index) * 1_000
            registry.record(
                batch(seq: Int64(index), pressSeqs: [Int64(index)], kilnSeqs: [Int64(index)], at: at, pressSkew: 30_000),
                receivedAtMillis: at)
        }
        let flagged = registry.devices().filter { $0.clock.isOff(thresholdMillis: registry.clockThresholdMillis) }
        #expect(flagged.map(\.key.device) == ["press-01"])
        #expect(flagged.first?.clock.offsetMillis == 30_000)
    }

    @Test func anEdgesDictionaryIsAskedOfTheStoreOnceAfterARestart() {
        let registry = DeviceRegistry()
        let keysOnly = Batch(edge: "seoul-a", seq: 2, dictionary: 77, sid: [4, 9], ts: [start, start], value: [1, 2], deviceSeq: [2, 7])
        #expect(registry.needsKeys(keysOnly))  // nothing known of dictionary 77 yet
        registry.learn(edge: "seoul-a", dictionary: 77, series: [4: temperature, 9: kiln])
        #expect(!registry.needsKeys(keysOnly))
        registry.record(keysOnly, receivedAtMillis: start)
        #expect(registry.devices().map(\.readings) == [1, 1])
        // Keys defined in a batch serve the next ones; a key nobody knows is counted, not guessed.
        let defining = Batch(
            edge: "seoul-a", seq: 3, dictionary: 77, definitions: [SeriesDefinition(key: 5, series: pressure)],
            sid: [5, 55], ts: [start, start], value: [1, 1], deviceSeq: [3, 3])
        registry.record(defining, receivedAtMillis: start)
        registry.record(Batch(edge: "seoul-a", seq: 4, dictionary: 77, sid: [5], ts: [start], value: [1], deviceSeq: [4]), receivedAtMillis: start)
        #expect(registry.counts.unresolvedReadings == 1)
        #expect(registry.devices().first { $0.key.device == "press-01" }?.sensors.count == 2)
        // A new spool (another dictionary) is asked again.
        #expect(registry.needsKeys(Batch(edge: "seoul-a", seq: 1, dictionary: 78, sid: [4], ts: [start], value: [1], deviceSeq: [1])))
    }

    @Test func keepsAtMostItsBoundOfDevicesAndCountsTheRest() {
        let registry = DeviceRegistry(maxDevices: 1)
        registry.record(batch(seq: 1, pressSeqs: [0], kilnSeqs: [0], at: start), receivedAtMillis: start)
        #expect(registry.count == 1)
        #expect(registry.counts.devicesNotTracked == 1)
    }

    @Test func silenceFollowsTheDevicesOwnPace() throws {
        let registry = DeviceRegistry()
        for index in 0..<20 {
            let at = start + Int64(index) * 10_000  // one message every 10 s, two sensors
            registry.record(batch(seq: Int64(index), pressSeqs: [Int64(index)], kilnSeqs: [], at: at), receivedAtMillis: at)
        }
        let press = try #require(registry.devices().first)
        #expect(press.silentAfterMillis == 60_000)  // 5 × 10 s is below the minute floor
        #expect(!press.isSilent(nowMillis: press.lastSeenMillis + 59_000))
        #expect(press.isSilent(nowMillis: press.lastSeenMillis + 61_000))
        #expect(abs(press.readingsPerSecond(nowMillis: press.lastSeenMillis) - 0.2) < 0.05)
    }

    @Test func theAPIListsDevicesWithTheirFiguresAndFilters() throws {
        let registry = DeviceRegistry()
        registry.record(batch(seq: 1, pressSeqs: [0, 3], kilnSeqs: [0], at: start, pressSkew: 60_000), receivedAtMillis: start)
        let text = String(decoding: DeviceRoutes.json(registry, site: nil, line: nil, state: .all, limit: 10, nowMillis: start + 1_000), as: UTF8.self)
        #expect(text.hasPrefix(#"{"count":2,"devices":[{"clock":{"offset_ms":0,"off":false,"uncertainty_ms":500},"device":"kiln-3","edge":"seoul-a","first_seen":"#))
        #expect(text.contains(#""seq":{"highest":3,"late":0,"missing":2,"restarts":0},"silent":false,"silent_since":null,"site":"seoul"}"#))
        #expect(text.contains(#""sensors":[{"name":"pressure","unit":"kPa"},{"name":"temperature","unit":"C"}]"#))
        #expect(text.hasSuffix(#"],"devices_not_tracked":0,"truncated":false,"unresolved_readings":0}"#))
        let missing = String(decoding: DeviceRoutes.json(registry, site: nil, line: nil, state: .missing, limit: 10, nowMillis: start), as: UTF8.self)
        #expect(missing.hasPrefix(#"{"count":1,"#) && missing.contains(#""device":"press-01""#))
        let clockOff = String(decoding: DeviceRoutes.json(registry, site: nil, line: nil, state: .clock_off, limit: 10, nowMillis: start), as: UTF8.self)
        #expect(clockOff.contains(#""offset_ms":60000,"off":true"#))
        let silent = String(decoding: DeviceRoutes.json(registry, site: nil, line: nil, state: .silent, limit: 10, nowMillis: start + 3_600_000), as: UTF8.self)
        #expect(silent.hasPrefix(#"{"count":2,"#) && silent.contains(#""silent":true,"silent_since":""#))
        let limited = String(decoding: DeviceRoutes.json(registry, site: nil, line: nil, state: .all, limit: 1, nowMillis: start), as: UTF8.self)
        #expect(limited.contains(#""truncated":true"#))
    }
}

@Suite struct DeviceRegistryKeepingTests {
    let start: Int64 = 1_764_000_000_000
    let press = Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")

    func batch(_ seqs: [Int64], at: Int64, skew: Int64 = 0) -> Batch {
        var batch = Batch(
            edge: "seoul-a", seq: 1, series: [press], sid: seqs.map { _ in 0 }, ts: seqs.map { _ in at + skew }, value: seqs.map { _ in 1 },
            deviceSeq: seqs)
        batch.received = (at - 500)...(at + 500)
        return batch
    }

    @Test func aRecordRoundTripsThroughItsStoredForm() throws {
        let registry = DeviceRegistry()
        registry.record(batch([0, 1, 4], at: start, skew: 70_000), receivedAtMillis: start)
        let record = try #require(registry.devices().first)
        let stored = try #require(DeviceRecordCodec.encode(record))
        #expect(stored.site == "seoul" && stored.line == "line1" && stored.device == "press-01")
        #expect(DeviceRecordCodec.decode(stored) == record)
    }

    @Test func aDamagedOrForeignRowIsSkipped() throws {
        let registry = DeviceRegistry()
        registry.record(batch([0, 1], at: start), receivedAtMillis: start)
        let record = try #require(registry.devices().first)
        let stored = try #require(DeviceRecordCodec.encode(record))
        var elsewhere = stored
        elsewhere.device = "press-99"
        #expect(DeviceRecordCodec.decode(elsewhere) == nil)
        var truncated = stored
        truncated.json = String(stored.json.dropLast(5))
        #expect(DeviceRecordCodec.decode(truncated) == nil)
        for (field, bad) in [(#""readings":2"#, #""readings":-2"#), (#""lastSeenMillis":"#, #""lastSeenMillis":9"#)] {
            var damaged = stored
            damaged.json = stored.json.replacingOccurrences(of: field, with: bad)
            #expect(damaged.json != stored.json, "\(field)")
            #expect(DeviceRecordCodec.decode(damaged) == nil, "\(field)")
        }
        #expect(DeviceRecordCodec.isShutdownMarker(DeviceRecordCodec.shutdownMarker(clean: true)))
        #expect(!DeviceRecordCodec.isShutdownMarker(stored))
    }

    @Test func changedRecordsAreHandedOutOnceAndAgainWhenTheStoreFailed() {
        let registry = DeviceRegistry()
        registry.record(batch([0], at: start), receivedAtMillis: start)
        let changed = registry.takeChanged()
        #expect(changed.count == 1)
        #expect(registry.takeChanged().isEmpty)
        registry.markChanged(changed.map(\.key))
        #expect(registry.takeChanged().count == 1)
    }

    @Test func aRestoredRecordKeepsItsHistoryAndAddsWhatArrivedMeanwhile() throws {
        let before = DeviceRegistry()
        before.record(batch([0, 1, 2, 6], at: start), receivedAtMillis: start)
        let kept = before.takeChanged()
        // A restarted core hears from the device before its store answers.
        let after = DeviceRegistry()
        after.record(batch([7, 8], at: start + 60_000), receivedAtMillis: start + 60_000)
        after.restore(kept, cleanly: true)
        let record = try #require(after.devices().first)
        #expect(record.firstSeenMillis == start)  // the edge's seal time, never after the core got the batch
        #expect(record.lastSeenMillis == start + 60_000)
        #expect(record.readings == 6)
        #expect(record.seq.missing == 3)
        #expect(record.seq.highest == 8)  // what arrived since counts on
        after.record(batch([9], at: start + 61_000), receivedAtMillis: start + 61_000)
        #expect(after.devices().first?.seq.missing == 3)
        #expect(after.takeChanged().count == 1)
    }

    @Test func afterACrashTheNextNumberReanchorsInsteadOfCountingStoredMessagesAsMissing() throws {
        let before = DeviceRegistry()
        before.record(batch([0, 1, 2, 6], at: start), receivedAtMillis: start)
        let kept = before.takeChanged()  // then 7...40 were stored, and the core crashed
        let crashed = DeviceRegistry()
        crashed.restore(kept, cleanly: false)
        crashed.record(batch([41, 43], at: start + 60_000), receivedAtMillis: start + 60_000)
        #expect(crashed.devices().first?.seq.missing == 4)  // 3 kept + 42, not 7...40
        let clean = DeviceRegistry()
        clean.restore(kept, cleanly: true)
        clean.record(batch([8], at: start + 60_000), receivedAtMillis: start + 60_000)
        #expect(clean.devices().first?.seq.missing == 4)  // a clean stop kept everything: 7 is missing
    }

    @Test func anEdgeClockIsTrustedOnlyUpToTheCoresOwnTime() {
        #expect(DeviceRegistry.seenAt(nil, receivedAtMillis: start) == start)
        #expect(DeviceRegistry.seenAt((start - 2_000)...(start - 1_000), receivedAtMillis: start) == start - 1_000)
        #expect(DeviceRegistry.seenAt((start + 50_000)...(start + 60_000), receivedAtMillis: start) == start)
        #expect(DeviceRegistry.seenAt(0...1_000, receivedAtMillis: start) == start - DeviceRegistry.maxBacklogMillis)
    }
}
