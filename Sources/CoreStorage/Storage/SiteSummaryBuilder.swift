/// Builds ``SiteSummary`` values from `(site, line, device)` rows sorted by site, line, device;
/// both backends group in SQL and assemble here.
struct SiteSummaryBuilder {
    private(set) var sites: [SiteSummary] = []

    mutating func add(site: String, line: String, device: String, series: Int, lastTs: Int64) {
        if sites.last?.name != site {
            sites.append(SiteSummary(name: site, lines: [], lastTs: lastTs))
        }
        var summary = sites[sites.count - 1]
        summary.lastTs = max(summary.lastTs, lastTs)
        if summary.lines.last?.name != line {
            summary.lines.append(SiteSummary.Line(name: line, devices: [:]))
        }
        summary.lines[summary.lines.count - 1].devices[device] = series
        sites[sites.count - 1] = summary
    }
}
