/// One device's readings as the core stored them, held against its ``DeliveryLedger``: per seq,
/// copies stored beyond those published are duplicates and copies missing are lost.
///
/// Readings without a seq (plain-number payloads) can only be compared in total.
public struct DeliveryCheck: Sendable {
    /// The outcome for one device.
    public struct Result: Sendable, Equatable, Encodable {
        /// Readings published (device resends the scenario injects included: the edge must store them too).
        public var sent: Int64
        /// Readings the core holds from this run.
        public var stored: Int64
        public var lost: Int64
        /// Copies stored beyond those published.
        public var duplicated: Int64
        /// Stored readings whose seq this run never published.
        public var unexpected: Int64
        /// When the lost readings with a seq were first published (wall-clock ms, earliest and
        /// latest): a loss the design allows (a killed edge's commit window) sits in one short
        /// span around the kill; a loss anywhere else is a bug.
        public var lostPublishedFirstMillis: Int64?
        public var lostPublishedLastMillis: Int64?

        enum CodingKeys: String, CodingKey {
            case sent, stored, lost, duplicated, unexpected
            case lostPublishedFirstMillis = "lost_published_first_ms"
            case lostPublishedLastMillis = "lost_published_last_ms"
        }

        public init(sent: Int64 = 0, stored: Int64 = 0, lost: Int64 = 0, duplicated: Int64 = 0, unexpected: Int64 = 0) {
            self.sent = sent
            self.stored = stored
            self.lost = lost
            self.duplicated = duplicated
            self.unexpected = unexpected
        }

        public mutating func add(_ other: Result) {
            sent += other.sent
            stored += other.stored
            lost += other.lost
            duplicated += other.duplicated
            unexpected += other.unexpected
            if let first = other.lostPublishedFirstMillis { noteLost(publishedAtMillis: first) }
            if let last = other.lostPublishedLastMillis { noteLost(publishedAtMillis: last) }
        }

        mutating func noteLost(publishedAtMillis millis: Int64) {
            lostPublishedFirstMillis = min(lostPublishedFirstMillis ?? millis, millis)
            lostPublishedLastMillis = max(lostPublishedLastMillis ?? millis, millis)
        }
    }

    private let ledger: DeliveryLedger
    private var storedPerSeq: [UInt32]
    private var unnumberedStored: Int64 = 0
    private var unexpected: Int64 = 0

    public init(ledger: DeliveryLedger) {
        self.ledger = ledger
        storedPerSeq = Array(repeating: 0, count: ledger.sent.count)
    }

    /// Counts one stored reading; returns its publish → stored latency in µs when it is a first
    /// copy of a published reading with a known publish time.
    public mutating func add(seq: Int64, storedAtMillis: Int64) -> Int64? {
        guard seq >= 0, ledger.isTracked else {
            unnumberedStored += 1
            return nil
        }
        guard let index = ledger.index(of: seq) else {
            unexpected += 1
            return nil
        }
        storedPerSeq[index] += 1
        let published = ledger.firstPublishMicros[index]
        guard storedPerSeq[index] <= ledger.sent[index], published > 0, storedAtMillis > 0 else { return nil }
        return storedAtMillis * 1_000 - published
    }

    public var result: Result {
        var result = Result(sent: ledger.numbered + ledger.unnumbered, unexpected: unexpected)
        for (index, (sent, stored)) in zip(ledger.sent, storedPerSeq).enumerated() {
            result.stored += Int64(stored)
            if stored < sent {
                result.lost += Int64(sent - stored)
                let published = ledger.firstPublishMicros[index]
                if published > 0 { result.noteLost(publishedAtMillis: published / 1_000) }
            } else {
                result.duplicated += Int64(stored - sent)
            }
        }
        result.stored += unnumberedStored + unexpected
        if unnumberedStored < ledger.unnumbered {
            result.lost += ledger.unnumbered - unnumberedStored
        } else {
            result.duplicated += unnumberedStored - ledger.unnumbered
        }
        return result
    }
}
