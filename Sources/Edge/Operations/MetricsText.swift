/// The samples of a Prometheus text exposition (what the edge's own `/metrics` says), by their
/// name and labels as written: `haetae_spool_bytes`, `haetae_messages_rejected_total{reason="bad_topic"}`.
/// The edge's status report reads its figures from here, so the fleet view and `/metrics` can
/// never disagree. Comment lines and lines that are not `series value` are skipped.
struct MetricsText: Sendable, Equatable {
    private(set) var samples: [String: Double] = [:]

    init(_ text: some StringProtocol) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.first != "#" {
            // The value follows the last space (label values may hold spaces; values never do).
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
    }

    /// The sample `series` (name and labels exactly as exposed), if present.
    subscript(_ series: String) -> Double? { samples[series] }

    /// The value of `name` (no labels), 0 when absent.
    func value(_ name: String) -> Double { samples[name] ?? 0 }

    /// The samples of `name` by the value of its one label `label` (`reason="…"` → …).
    func byLabel(_ name: String, _ label: String) -> [String: Double] {
        let prefix = "\(name){\(label)=\""
        var out: [String: Double] = [:]
        for (series, value) in samples where series.hasPrefix(prefix) && series.hasSuffix("\"}") {
            out[String(series.dropFirst(prefix.count).dropLast(2))] = value
        }
        return out
    }
}
