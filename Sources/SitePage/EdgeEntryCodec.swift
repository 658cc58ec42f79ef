public import Readings

/// The one wire form of an edge as `GET /api/v1/edges` lists it, at the core (every edge) and
/// on an edge's site page (itself): its latest status report (``EdgeStatusCodec``), how it is
/// judged (``EdgeAssessment``) and, at the core, the trend of its figures:
///
/// ```json
/// {"clock_offset_ms":12,"down_after_ms":30000,"edge":"seoul-a","health":"ok","last_report":"…",
///  "problems":[],"silent_ms":800,"site":"seoul","stale_after_ms":15000,"status":{…},"trend":{…}}
/// ```
public enum EdgeEntryCodec {
    /// The trend of an edge's figures, one value per report, oldest first.
    public struct Trend: Sendable {
        public var atMillis: [Int64] = []
        public var backlogReadings: [Double] = []
        public var forwardRate: [Double] = []
        public var ingestRate: [Double] = []
        public var spoolBytes: [Double] = []

        public init() {}
    }

    /// Appends one entry (an object) to `out`.
    public static func append(
        _ status: EdgeStatus, receivedAtMillis: Int64, nowMillis: Int64, heardSinceMillis: Int64 = .min, trend: Trend?,
        to out: inout [UInt8]
    ) {
        let assessment = EdgeAssessment(status, receivedAtMillis: receivedAtMillis, nowMillis: nowMillis, heardSinceMillis: heardSinceMillis)
        let limits = EdgeAssessment.thresholds(intervalMillis: status.intervalMillis)
        var object = JSONObjectWriter(capacity: 1_024)
        object.integer("clock_offset_ms", assessment.clockOffsetMillis)
        object.integer("down_after_ms", limits.down)
        object.string("edge", status.edge)
        object.string("health", assessment.health.rawValue)
        object.time("last_report", receivedAtMillis)
        var problems: [UInt8] = [UInt8(ascii: "[")]
        for (index, problem) in assessment.problems.enumerated() {
            if index > 0 { problems.append(UInt8(ascii: ",")) }
            BatchCodec.appendString(problem, to: &problems)
        }
        problems.append(UInt8(ascii: "]"))
        object.raw("problems", problems)
        object.integer("silent_ms", assessment.silentMillis)
        object.string("site", status.site)
        object.integer("stale_after_ms", limits.stale)
        object.raw("status", EdgeStatusCodec.encode(status))
        if let trend {
            var times: [UInt8] = [UInt8(ascii: "[")]
            for (index, at) in trend.atMillis.enumerated() {
                if index > 0 { times.append(UInt8(ascii: ",")) }
                BatchCodec.appendString(RFC3339.format(millis: at), to: &times)
            }
            times.append(UInt8(ascii: "]"))
            var figures = JSONObjectWriter(capacity: 512)
            figures.raw("at", times)
            figures.raw("backlog_readings", numbers(trend.backlogReadings))
            figures.raw("forward_rate", numbers(trend.forwardRate))
            figures.raw("ingest_rate", numbers(trend.ingestRate))
            figures.raw("spool_bytes", numbers(trend.spoolBytes))
            object.raw("trend", figures.finished)
        }
        out.append(contentsOf: object.finished)
    }

    /// Three decimals; not finite: `null`.
    static func numbers(_ values: [Double]) -> [UInt8] {
        Array(("[" + values.map { value in
            let kept = abs(value) < 1e12 ? (value * 1_000).rounded() / 1_000 : value
            return kept.isFinite ? kept.description : "null"
        }.joined(separator: ",") + "]").utf8)
    }
}
