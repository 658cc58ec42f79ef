/// The catch-up rate cap (`forward.max_rate`, readings per second): a batch may start when the
/// readings sent before it have "paid" for their time, so over any stretch the lane sends at
/// most `perSecond × elapsed` readings plus one batch. No I/O; times are arguments.
struct RateCap: Sendable {
    /// 0 = no cap.
    let perSecond: Int
    /// The time from which the next batch may start (milliseconds, fractional).
    private(set) var nextFreeMillis: Double = -.infinity

    init(perSecond: Int) {
        self.perSecond = perSecond
    }

    func allows(nowMillis: Int64) -> Bool {
        perSecond == 0 || Double(nowMillis) >= nextFreeMillis
    }

    /// Accounts for `readings` starting at `nowMillis`.
    mutating func spend(_ readings: Int, nowMillis: Int64) {
        guard perSecond > 0 else { return }
        nextFreeMillis = max(nextFreeMillis, Double(nowMillis)) + Double(readings) * 1_000 / Double(perSecond)
    }

    /// When the next batch may start; nil without a cap.
    var nextAllowedMillis: Int64? {
        perSecond == 0 || nextFreeMillis == -.infinity ? nil : Int64(nextFreeMillis.rounded(.up))
    }
}
