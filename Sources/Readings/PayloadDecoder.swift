/// Decodes MQTT messages into ``ReadingColumns`` on the receive thread.
///
/// One decoder per receive thread: it owns the ``SeriesTable`` and reusable scratch buffers,
/// so once warmed up, decoding allocates only when a message brings a new series.
/// A message is accepted whole or rejected whole.
///
/// ```swift
/// var decoder = PayloadDecoder(template: try TopicTemplate())
/// var columns = ReadingColumns(capacity: 5_000)
/// let outcome = topic.withUnsafeBytes { topic in
///     payload.withUnsafeBytes { payload in
///         decoder.decode(topic: topic, payload: payload, receivedAtMillis: now, into: &columns)
///     }
/// }
/// ```
public struct PayloadDecoder: Sendable {
    public let template: TopicTemplate
    /// Longer payloads are rejected as `too_large` before any parsing.
    public let maxPayloadBytes: Int
    /// The series seen so far; ids index into it.
    public private(set) var seriesTable: SeriesTable
    private var scratch = DecodeScratch()

    /// - Parameters:
    ///   - template: the topic shape of this edge.
    ///   - maxPayloadBytes: the largest payload accepted (default 64 KiB).
    ///   - maxSeries: the most distinct series; messages that would add more are rejected.
    public init(template: TopicTemplate, maxPayloadBytes: Int = 65_536, maxSeries: Int = 100_000) {
        self.template = template
        self.maxPayloadBytes = maxPayloadBytes
        self.seriesTable = SeriesTable(maxSeries: maxSeries)
    }

    /// - Parameters:
    ///   - template: the topic shape of this edge.
    ///   - maxPayloadBytes: the largest payload accepted.
    ///   - seriesLimits: how many series, per device and per second, may be learned.
    public init(template: TopicTemplate, maxPayloadBytes: Int, seriesLimits: SeriesLimits) {
        self.template = template
        self.maxPayloadBytes = maxPayloadBytes
        self.seriesTable = SeriesTable(limits: seriesLimits)
    }

    /// Forgets series not seen since `cutoffMillis` and renumbers the rest; the renumbering is
    /// put into `out`, which must be empty (a fresh hand-off), so that the consumer applies it
    /// before any id given out afterwards.
    /// - Returns: the number of series forgotten.
    @discardableResult
    public mutating func forgetSeries(idleBeforeMillis cutoffMillis: Int64, into out: inout ReadingColumns) -> Int {
        precondition(out.isEmpty && out.newSeries.isEmpty && out.renumbering == nil,
                     "forgetSeries needs empty columns: ids before and after would mix")
        guard let renumbering = seriesTable.forget(idleBeforeMillis: cutoffMillis) else { return 0 }
        out.renumbering = renumbering
        return renumbering.forgottenCount
    }

    /// Makes `series` known without a reading (a takeover: a series the previous active edge
    /// watched), announcing it in `out.newSeries` when it is new, as a decoded message would.
    /// - Returns: its id; nil when the table is full or a name breaks ``SeriesName``'s rules.
    public mutating func expect(_ series: Series, lastSeenMillis: Int64, into out: inout ReadingColumns) -> SeriesID? {
        let known = seriesTable.count
        guard let id = seriesTable.intern(series, nowMillis: lastSeenMillis) else { return nil }
        for new in known..<seriesTable.count {
            out.newSeries.append(NewSeries(id: SeriesID(new), series: seriesTable.series(SeriesID(new))))
        }
        return id
    }

    /// Decodes one message, appending its readings to `out`.
    ///
    /// Nothing is appended to `out` unless the message is accepted, and a rejected message
    /// leaves no series behind in the table: interning happens only after the whole payload has
    /// been validated, and a `series_limit` part-way through a message removes the series it
    /// had added. So every id in `out.sid` was announced in some `out.newSeries`.
    ///
    /// - Parameters:
    ///   - topic: the topic bytes as received.
    ///   - payload: the payload bytes as received; read in place, never copied.
    ///   - receivedAtMillis: the timestamp of readings whose payload has no `ts`.
    ///   - out: where accepted readings and newly seen series are appended.
    /// - Returns: `.accepted(n)` with the number of readings appended, or the reject reason.
    public mutating func decode(
        topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer,
        receivedAtMillis: Int64, into out: inout ReadingColumns
    ) -> DecodeOutcome {
        guard payload.count <= maxPayloadBytes else { return .rejected(.tooLarge) }
        guard let match = template.match(topic) else { return .rejected(.topicShape) }

        // The parser borrows the scratch buffers for this message and gives them back.
        var parser = PayloadParser(payload: payload, isDeviceLevel: match.isDeviceLevel)
        scratch.removeAll()
        swap(&parser.scratch, &scratch)
        let problem = parser.parse()
        swap(&parser.scratch, &scratch)
        if let problem { return .rejected(problem) }

        let knownSeries = seriesTable.count
        if let problem = intern(match: match, topic: topic, nowMillis: receivedAtMillis) {
            seriesTable.removeSeries(from: knownSeries)
            return .rejected(problem)
        }
        for id in knownSeries..<seriesTable.count {
            out.newSeries.append(NewSeries(id: SeriesID(id), series: seriesTable.series(SeriesID(id))))
        }
        for (index, reading) in scratch.pending.enumerated() {
            out.append(
                sid: scratch.ids[index],
                ts: reading.ts == PendingReading.inherit ? receivedAtMillis : reading.ts,
                value: reading.value,
                seq: reading.seq == PendingReading.inherit ? -1 : reading.seq)
        }
        return .accepted(scratch.pending.count)
    }

    /// Interns the series of every pending reading into `scratch.ids`.
    /// - Returns: why the message cannot be taken (the table is full, or a new series has a bad
    ///   name; the caller removes what this message added), or nil.
    private mutating func intern(match: TopicMatch, topic: UnsafeRawBufferPointer, nowMillis: Int64) -> RejectReason? {
        // Local references (no copies) so the closures below do not overlap access to `self`.
        let names = scratch.names
        let pending = scratch.pending
        let defaultSite = template.defaultSiteBytes
        let defaultLine = template.defaultLineBytes
        var ids = scratch.ids
        scratch.ids = []
        defer { scratch.ids = ids }
        return names.withUnsafeBytes { names in
            defaultSite.withUnsafeBytes { defaultSite in
                defaultLine.withUnsafeBytes { defaultLine in
                    func field(_ range: Range<Int>?, in buffer: UnsafeRawBufferPointer, or fallback: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
                        range.map { UnsafeRawBufferPointer(rebasing: buffer[$0]) } ?? fallback
                    }
                    let site = field(match.site, in: topic, or: defaultSite)
                    let line = field(match.line, in: topic, or: defaultLine)
                    let device = field(match.device, in: topic, or: topic)
                    let topicSensor = field(match.sensor, in: topic, or: UnsafeRawBufferPointer(start: nil, count: 0))
                    for reading in pending {
                        let result = seriesTable.intern(
                            site: site, line: line, device: device,
                            sensor: field(reading.sensor, in: names, or: topicSensor),
                            unit: field(reading.unit, in: names, or: UnsafeRawBufferPointer(start: nil, count: 0)),
                            nowMillis: nowMillis)
                        switch result {
                        case .existing(let id), .inserted(let id): ids.append(id)
                        case .full: return .seriesLimit
                        case .deviceFull: return .deviceSeriesLimit
                        case .rateLimited: return .seriesRate
                        case .badName: return .badName
                        }
                    }
                    return nil
                }
            }
        }
    }
}
