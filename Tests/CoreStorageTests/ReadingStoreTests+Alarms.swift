import CoreStorage
import Readings
import Testing

extension ReadingStoreTests {
    static let furnacePoint = AlarmPoint(rule: "furnace-overheat", site: "seoul", line: "line-2", device: "furnace-1", sensor: "temperature")

    static func action(_ action: AlarmAction, by user: String = "kim", at: Int64, comment: String = "") -> AlarmActionRequest {
        AlarmActionRequest(action: action, user: user, comment: comment, atMillis: at)
    }

    @Test("an alert is acknowledged once, by whom and when, with its place in the audit log; an unknown one is refused", arguments: StoreBackend.all)
    func acknowledge(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(alerts: [
                Self.alert("a1", "firing", at: baseTime + 1_000), Self.alert("a1", "resolved", at: baseTime + 3_000),
                Self.alert("a2", "firing", at: baseTime + 4_000),
            ])
            #expect(try await store.record(Self.action(.acknowledge(alertID: "nope"), at: baseTime + 5_000)) == .unknownAlert)
            #expect(try await store.record(Self.action(.acknowledge(alertID: "a1"), at: baseTime + 5_000, comment: "seen")) == .done)
            let again = try await store.record(Self.action(.acknowledge(alertID: "a1"), by: "lee", at: baseTime + 6_000))
            #expect(again == .unchanged("already acknowledged by kim at \(RFC3339.format(millis: baseTime + 5_000))"))

            let acks = try await store.acknowledgements(alertIDs: ["a1", "a2", "a1", "nope"])
            #expect(acks == ["a1": Acknowledgement(by: "kim", atMillis: baseTime + 5_000, comment: "seen")])
            #expect(try await store.acknowledgements(alertIDs: []).isEmpty)

            let audit = try await store.alarmAudit(site: nil, limit: 10)
            #expect(audit.count == 1, "refused and unchanged actions are not audited")
            let entry = try #require(audit.first)
            #expect(entry.action == "acknowledge" && entry.user == "kim" && entry.alertID == "a1" && entry.comment == "seen")
            #expect(AlarmPoint(rule: entry.rule, site: entry.site, line: entry.line, device: entry.device, sensor: entry.sensor) == Self.furnacePoint)
            #expect(entry.atMillis == baseTime + 5_000 && entry.untilMillis == nil)
        }
    }

    @Test("a shelf holds until it ends by itself; shelving again moves its end; unshelving ends it once", arguments: StoreBackend.all)
    func shelve(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let until = baseTime + 60_000
            #expect(try await store.record(Self.action(.shelve(Self.furnacePoint, untilMillis: until), at: baseTime, comment: "drifts")) == .done)
            let shelved = try await store.suppressions(site: "seoul", nowMillis: baseTime + 1)
            #expect(shelved.shelves == [Shelf(point: Self.furnacePoint, by: "kim", atMillis: baseTime, untilMillis: until, comment: "drifts")])
            #expect(shelved.suppression(of: Self.furnacePoint, nowMillis: baseTime + 1) == .shelved(untilMillis: until))
            #expect(try await store.suppressions(site: "gwangju", nowMillis: baseTime + 1).shelves.isEmpty)
            #expect(try await store.suppressions(site: "seoul", nowMillis: until).shelves.isEmpty, "it ended by itself")
            #expect(try await store.record(Self.action(.unshelve(Self.furnacePoint), at: until)) == .unchanged("not shelved"))

            #expect(try await store.record(Self.action(.shelve(Self.furnacePoint, untilMillis: until + 60_000), by: "lee", at: baseTime + 10)) == .done)
            #expect(try await store.suppressions(site: nil, nowMillis: until).shelves.map(\.by) == ["lee"])
            #expect(try await store.record(Self.action(.unshelve(Self.furnacePoint), at: until + 1)) == .done)
            #expect(try await store.suppressions(site: nil, nowMillis: until + 2).shelves.isEmpty)
            #expect(try await store.record(Self.action(.unshelve(Self.furnacePoint), at: until + 3)) == .unchanged("not shelved"))

            let audit = try await store.alarmAudit(site: "seoul", limit: 10)
            #expect(audit.map(\.action) == ["unshelve", "shelve", "shelve"])
            #expect(audit.map(\.untilMillis) == [nil, until + 60_000, until])
            #expect(audit[0].id > audit[1].id && audit[1].id > audit[2].id)
        }
    }

    @Test("a device, a line or a site goes out of service once and returns once; the audit log filters by site and is bounded", arguments: StoreBackend.all)
    func outOfService(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let press = ServiceScope(site: "seoul", line: "line-2", device: "press-07")
            let line = ServiceScope(site: "gwangju", line: "line-1")
            #expect(try await store.record(Self.action(.removeFromService(press), at: baseTime, comment: "bearing swap")) == .done)
            #expect(try await store.record(Self.action(.removeFromService(press), at: baseTime + 1)) == .unchanged("already out of service"))
            #expect(try await store.record(Self.action(.removeFromService(line), at: baseTime + 2)) == .done)

            let seoul = try await store.suppressions(site: "seoul", nowMillis: baseTime + 3)
            #expect(seoul.outOfService == [OutOfService(scope: press, by: "kim", atMillis: baseTime, comment: "bearing swap")])
            #expect(try await store.suppressions(site: nil, nowMillis: baseTime + 3).outOfService.map(\.scope) == [press, line])
            let alarm = AlarmPoint(rule: "silent", site: "seoul", line: "line-2", device: "press-07", sensor: "")
            #expect(seoul.suppression(of: alarm, nowMillis: baseTime + 3) == .outOfService)

            #expect(try await store.record(Self.action(.returnToService(press), at: baseTime + 4)) == .done)
            #expect(try await store.record(Self.action(.returnToService(press), at: baseTime + 5)) == .unchanged("not out of service"))
            #expect(try await store.suppressions(site: "seoul", nowMillis: baseTime + 6).outOfService.isEmpty)

            #expect(try await store.alarmAudit(site: nil, limit: 10).map(\.action) == ["return_to_service", "out_of_service", "out_of_service"])
            #expect(try await store.alarmAudit(site: "gwangju", limit: 10).map(\.line) == ["line-1"])
            #expect(try await store.alarmAudit(site: nil, limit: 1).count == 1)
        }
    }

    @Test("alert starts: the firing notifications since a time, oldest first, of one site or all, bounded", arguments: StoreBackend.all)
    func alertStarts(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(alerts: [
                Self.alert("a1", "firing", at: baseTime + 1_000), Self.alert("a1", "resolved", at: baseTime + 2_000),
                Self.alert("a2", "firing", at: baseTime + 3_000), Self.alert("a3", "firing", at: baseTime + 4_000, site: "gwangju", edge: "gwangju-a"),
            ])
            #expect(try await store.alertStarts(site: nil, sinceMillis: baseTime, limit: 10).map(\.alertID) == ["a1", "a2", "a3"])
            #expect(try await store.alertStarts(site: "seoul", sinceMillis: baseTime + 2_000, limit: 10).map(\.alertID) == ["a2"])
            #expect(try await store.alertStarts(site: nil, sinceMillis: baseTime, limit: 2).map(\.alertID) == ["a2", "a3"], "the newest, oldest first")
            #expect(try await store.alertStarts(site: nil, sinceMillis: baseTime, limit: 10).first?.point == Self.furnacePoint)
        }
    }
}

extension ReadingStoreTests {
    static func command(_ device: String, attempt: Int, at: Int64, result: String) -> CommandAttempt {
        CommandAttempt(
            alertID: "a-\(device)", rule: "overpressure", site: "seoul", line: "line1", device: device,
            topic: "factory/seoul/line1/\(device)/cmd", payload: #"{"cmd":"stop"}"#, qos: 1, attempt: attempt, atMillis: at, result: result)
    }

    @Test("stop commands and their outcomes are filed in the audit log once each, by the edge, on the alert's place; a repeat post files nothing", arguments: StoreBackend.all)
    func stopCommandsInTheAuditLog(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let sent = Self.command("pump-3", attempt: 1, at: baseTime, result: "sent")
            let again = Self.command("pump-3", attempt: 2, at: baseTime + 500, result: "sent again: not confirmed within 500 ms")
            let escalated = Self.command("pump-3", attempt: 2, at: baseTime + 1_000, result: "not confirmed after 2 sends: escalated")
            #expect(try await store.ingest(commands: [sent, again], edge: "seoul-a") == 2)
            #expect(try await store.ingest(commands: [sent, again, escalated], edge: "seoul-a") == 1, "a post sent again after a lost answer")
            #expect(try await store.ingest(commands: [], edge: "seoul-a") == 0)
            // The same record from the site's other edge is its own (the pair's edges each send theirs).
            #expect(try await store.ingest(commands: [sent], edge: "seoul-b") == 1)
            _ = try await store.record(Self.action(.removeFromService(ServiceScope(site: "gwangju", line: "l")), at: baseTime + 2_000))

            let seoul = try await store.alarmAudit(site: "seoul", limit: 10)
            #expect(seoul.map(\.action) == Array(repeating: AlarmAuditEntry.stopCommand, count: 4))
            #expect(seoul.map(\.user).sorted() == ["seoul-a", "seoul-a", "seoul-a", "seoul-b"])
            let entry = try #require(seoul.first { $0.comment.hasPrefix("not confirmed") })
            #expect(entry.comment == #"not confirmed after 2 sends: escalated: {"cmd":"stop"} → factory/seoul/line1/pump-3/cmd, attempt 2"#)
            #expect(entry.alertID == "a-pump-3" && entry.rule == "overpressure" && entry.line == "line1" && entry.device == "pump-3")
            #expect(entry.sensor == "" && entry.untilMillis == nil && entry.atMillis == baseTime + 1_000)
            #expect(seoul.first { $0.comment.hasPrefix("sent:") }?.comment == #"sent: {"cmd":"stop"} → factory/seoul/line1/pump-3/cmd"#)
            #expect(try await store.alarmAudit(site: nil, limit: 10).count == 5)
            #expect(try await store.alarmAudit(site: nil, kind: .actions, limit: 10).map(\.action) == ["out_of_service"])
            #expect(try await store.alarmAudit(site: nil, kind: .commands, limit: 10).count == 4)
            #expect(try await store.alarmAudit(site: "seoul", kind: .commands, limit: 2).count == 2)
        }
    }
}

extension ReadingStoreTests {
    @Test("the latest status report of each edge is kept, replacing the one before, and listed by edge", arguments: StoreBackend.all)
    func edgeStatuses(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.edgeStatuses().isEmpty)
            try await store.record(edgeStatus: StoredEdgeStatus(edge: "seoul-b", site: "seoul", json: #"{"v":1}"#, receivedAtMillis: baseTime))
            try await store.record(edgeStatus: StoredEdgeStatus(edge: "seoul-a", site: "seoul", json: #"{"v":1}"#, receivedAtMillis: baseTime))
            try await store.record(edgeStatus: StoredEdgeStatus(edge: "seoul-a", site: "seoul", json: #"{"v":2}"#, receivedAtMillis: baseTime + 5_000))
            let all = try await store.edgeStatuses()
            #expect(all.map(\.edge) == ["seoul-a", "seoul-b"])
            #expect(all[0] == StoredEdgeStatus(edge: "seoul-a", site: "seoul", json: #"{"v":2}"#, receivedAtMillis: baseTime + 5_000))
        }
    }
}
