import CoreStorage
import Testing

extension ReadingStoreTests {
    static func alert(
        _ id: String, _ notification: String, at: Int64, site: String = "seoul", edge: String = "seoul-a"
    ) -> AlertRecord {
        AlertRecord(
            edge: edge, alertID: id, rule: "furnace-overheat", severity: "critical",
            status: notification == "resolved" ? "resolved" : "firing", notification: notification, site: site,
            line: "line-2", device: "furnace-1", sensor: "temperature", value: notification == "resolved" ? nil : 861.5,
            startedAtMillis: baseTime, endedAtMillis: notification == "resolved" ? at : nil, atMillis: at,
            json: #"{"alert_id":"\#(id)","labels":{"team":"hot"}}"#)
    }

    @Test("alert notifications are stored once; filters use each alert's latest notification", arguments: StoreBackend.all)
    func alerts(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let notifications = [
                Self.alert("a1", "firing", at: baseTime + 1_000),
                Self.alert("a1", "repeat", at: baseTime + 2_000),
                Self.alert("a1", "resolved", at: baseTime + 3_000),
                Self.alert("a2", "firing", at: baseTime + 4_000),
                Self.alert("a3", "firing", at: baseTime + 5_000, site: "gwangju", edge: "gwangju-a"),
                Self.alert("a3", "repeat", at: baseTime + 9_000, site: "gwangju", edge: "gwangju-a"),
                Self.alert("a4", "firing", at: baseTime + 6_000, site: "gwangju", edge: "gwangju-a"),
            ]
            #expect(try await store.ingest(alerts: notifications) == 7)
            #expect(try await store.ingest(alerts: notifications) == 0)
            #expect(try await store.ingest(alerts: Array(notifications.prefix(2))) == 0)
            #expect(try await store.ingest(alerts: []) == 0)

            let all = try await store.alerts(AlertFilter())
            #expect(all.map { "\($0.edge)/\($0.alertID)/\($0.notification)" } == [
                "gwangju-a/a3/repeat", "gwangju-a/a4/firing", "seoul-a/a2/firing", "seoul-a/a1/resolved",
            ])
            #expect(all.last == notifications[2])  // every field round-trips, nil value and ended_at too
            #expect(all.first == notifications[5])

            #expect(try await store.alerts(AlertFilter(status: "firing")).map(\.alertID) == ["a3", "a4", "a2"])
            #expect(try await store.alerts(AlertFilter(status: "resolved")).map(\.alertID) == ["a1"])
            #expect(try await store.alerts(AlertFilter(site: "seoul")).map(\.alertID) == ["a2", "a1"])
            #expect(try await store.alerts(AlertFilter(status: "firing", site: "seoul")).map(\.alertID) == ["a2"])
            #expect(try await store.alerts(AlertFilter(sinceMillis: baseTime + 5_000)).map(\.alertID) == ["a3", "a4"])
            #expect(try await store.alerts(AlertFilter(limit: 1)).map(\.alertID) == ["a3"])
            await expectStoreError(.invalidQuery) { try await store.alerts(AlertFilter(status: "pending")) }
        }
    }

    @Test("an alert fired by one edge of a pair and resolved by the other after a takeover is one alert, resolved", arguments: StoreBackend.all)
    func alertAcrossTakeover(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(alerts: [
                Self.alert("a1", "firing", at: baseTime + 1_000, edge: "seoul-a"),
                Self.alert("a1", "resolved", at: baseTime + 5_000, edge: "seoul-b"),
            ])
            #expect(try await store.alerts(AlertFilter(status: "firing")).isEmpty)
            let resolved = try await store.alerts(AlertFilter(status: "resolved"))
            #expect(resolved.map { "\($0.edge)/\($0.alertID)" } == ["seoul-b/a1"])
        }
    }

    @Test("a resolve at the same instant as a repeat wins", arguments: StoreBackend.all)
    func resolveWinsTie(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(alerts: [
                Self.alert("a1", "resolved", at: baseTime + 2_000), Self.alert("a1", "repeat", at: baseTime + 2_000),
            ])
            #expect(try await store.alerts(AlertFilter(status: "firing")).isEmpty)
            #expect(try await store.alerts(AlertFilter(status: "resolved")).count == 1)
        }
    }

    @Test("severity order lists critical alerts first, then warnings, each newest first, so a flood of warnings cannot hide a critical one", arguments: StoreBackend.all)
    func severityFirst(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            var notifications = [Self.alert("crit-old", "firing", at: baseTime + 1)]
            for index in 0..<50 {
                var warning = Self.alert("warn-\(index)", "firing", at: baseTime + 100 + Int64(index))
                warning.severity = "warning"
                notifications.append(warning)
            }
            var info = Self.alert("info", "firing", at: baseTime + 10_000)
            info.severity = "info"
            notifications.append(info)
            _ = try await store.ingest(alerts: notifications)
            let byTime = try await store.alerts(AlertFilter(status: "firing", limit: 10))
            #expect(!byTime.contains { $0.alertID == "crit-old" })
            let bySeverity = try await store.alerts(AlertFilter(status: "firing", limit: 10, severityFirst: true))
            #expect(bySeverity.map(\.alertID) == ["crit-old"] + (41..<50).reversed().map { "warn-\($0)" })
        }
    }
}
