public import Readings

extension RuleEngine {
    /// Makes the engine ready for readings of `series`; call once when a series id is new.
    ///
    /// This is where the globs are evaluated: the series gets the list of rules that can match
    /// it, one window buffer per distinct duration those rules use, and its alert slots.
    /// Registering an id again is ignored.
    public func register(series id: SeriesID, _ series: Series) {
        let index = Int(id)
        if index < seriesRecords.count, seriesRecords[index].registered { return }
        seriesRecords.grow(to: index + 1, filling: SeriesRecord())
        if self.series.count <= index { self.series.append(contentsOf: repeatElement(nil, count: index + 1 - self.series.count)) }
        self.series[index] = series

        let device = deviceRow(series)
        var record = SeriesRecord()
        record.registered = true
        record.device = device
        record.sensorSlot = sensorSlots[series.sensor] ?? -1

        var matched: [Int32] = []
        for group in matchGroups where group.match.matches(series) { matched.append(contentsOf: group.rules) }
        matched.sort()

        // One buffer per distinct duration; min/max deques only if some rule needs them.
        var durations: [Int64] = []
        var extremes: [Bool] = []
        for rule in matched {
            let symbols = rules.rules[Int(rule)].symbols
            for (slot, millis) in symbols.windowMillis.enumerated() {
                if let existing = durations.firstIndex(of: millis) {
                    extremes[existing] = extremes[existing] || symbols.windowNeedsExtremes[slot]
                } else {
                    durations.append(millis)
                    extremes.append(symbols.windowNeedsExtremes[slot])
                }
            }
        }
        record.bufferStart = Int32(buffers.count)
        record.bufferCount = Int32(durations.count)
        for (millis, keepsExtremes) in zip(durations, extremes) {
            buffers.append(WindowBuffer(millis: millis, limit: options.maxSamplesPerWindow, keepsExtremes: keepsExtremes))
        }

        record.bindingStart = Int32(bindings.count)
        record.bindingCount = Int32(matched.count)
        for rule in matched {
            let compiled = rules.rules[Int(rule)]
            let windowMapStart = Int32(windowMap.count)
            for millis in compiled.symbols.windowMillis {
                windowMap.append(record.bufferStart + Int32(durations.firstIndex(of: millis)!))
            }
            let bindingIndex = Int32(bindings.count)
            let alert: Int32
            if compiled.isDeviceScoped {
                let key = DeviceAlertKey(rule: rule, device: device)
                if let existing = deviceAlerts[key] {
                    alert = existing
                } else {
                    alert = newAlert(AlertRecord(rule: rule, series: id, binding: -1))
                    deviceAlerts[key] = alert
                }
            } else {
                alert = newAlert(AlertRecord(rule: rule, series: id, binding: bindingIndex))
            }
            if let grouping = compiled.grouping, alerts[Int(alert)].group < 0 {
                let key = AlertKey(
                    rule: compiled.name, site: series.site, line: grouping == .site ? "" : series.line,
                    device: grouping == .device ? series.device : "", sensor: "")
                let group: Int32
                if let existing = groupAlerts[key] {
                    group = existing
                } else {
                    group = newAlert(AlertRecord(rule: rule, series: id, binding: -1, isGroup: true))
                    groupAlerts[key] = group
                }
                alerts.base[Int(alert)].group = group
                groupMembers[group, default: []].append(alert)
                // Restored firing before its rule was grouped: it resolves as the alarm it was.
                if alerts[Int(alert)].phase == .firing { alerts.base[Int(alert)].standsAlone = true }
            }
            bindings.append(Binding(rule: rule, alert: alert, windowMapStart: windowMapStart, series: id))
        }
        seriesRecords[index] = record
        refreshHotTables()
    }

    /// The number of registered series.
    public var registeredSeries: Int { series.lazy.filter { $0 != nil }.count }

    private func deviceRow(_ series: Series) -> Int32 {
        let key = DeviceKey(site: series.site, line: series.line, device: series.device)
        if let row = devices[key] { return row }
        let row = Int32(devices.count)
        devices[key] = row
        latest.grow(to: (Int(row) + 1) * sensorCount, filling: .nan)
        return row
    }

    private func newAlert(_ record: AlertRecord) -> Int32 {
        let index = Int32(alerts.count)
        alerts.append(record)
        history.append(AlertHistory())
        if !pendingRestores.isEmpty, let restored = pendingRestores.removeValue(forKey: key(of: index)) {
            apply(restored, to: index)
        }
        return index
    }

    /// When this engine first saw a reading of the series; nil before its first.
    public func firstSeenMillis(of id: SeriesID) -> Int64? {
        let index = Int(id)
        guard index < seriesRecords.count, seriesRecords[index].firstSeen != .min else { return nil }
        return seriesRecords[index].firstSeen
    }

    /// Carries a registered series' first reading over from the engine this one replaces (a rule
    /// reload, a renumbering), so its history (``AlertEvent/seriesHistoryMillis``) goes on: else
    /// every sensor of the plant would be a newcomer to the flood gate for a while after each one.
    public func restoreFirstSeen(_ millis: Int64, of id: SeriesID) {
        let index = Int(id)
        guard index < seriesRecords.count, seriesRecords[index].registered else { return }
        seriesRecords.base[index].firstSeen = millis
    }
}
