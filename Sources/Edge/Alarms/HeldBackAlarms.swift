import Readings

/// Firing alarms whose announcement was held back because they were shelved or out of service
/// when they fired: when that ends while they still fire, they are announced (a repeat to their
/// receivers, and their stop commands), as ISA-18.2 has a shelved alarm re-annunciated when its
/// shelf ends. Pure: the rule stage asks which are released, given what is suppressed now.
///
/// Bounded: beyond ``maxHeld`` a new one is not kept (counted by the caller); it is still
/// recorded and forwarded, only not announced later.
struct HeldBackAlarms {
    /// Why one was held back (the `silenced` annotation of its firing), for the announcement.
    struct Held: Equatable {
        var point: AlarmPoint
        var why: String
    }

    static let maxHeld = 100_000
    private(set) var held: [String: Held] = [:]

    var isEmpty: Bool { held.isEmpty }
    var count: Int { held.count }

    /// Keeps the alarm `alertID`, whose firing was silenced. - Returns: false when full.
    @discardableResult
    mutating func hold(alertID: String, point: AlarmPoint, why: String) -> Bool {
        guard held[alertID] != nil || held.count < Self.maxHeld else { return false }
        held[alertID] = Held(point: point, why: why)
        return true
    }

    /// The alarm resolved: nothing to announce.
    mutating func forget(alertID: String) {
        held[alertID] = nil
    }

    /// Takes out the alarm `alertID` as it is announced. - Returns: why it was held back, or nil
    /// when it was not.
    mutating func take(alertID: String) -> String? {
        held.removeValue(forKey: alertID)?.why
    }

    /// The alarms no longer suppressed (still held until announced: one whose series has not
    /// reported since a restart cannot be announced yet).
    func released(stillSuppressed: (AlarmPoint) -> Bool) -> Set<String> {
        Set(held.filter { !stillSuppressed($0.value.point) }.keys)
    }

    /// Replaces what is held with the silenced ones among `notifications` (the latest notification
    /// of each firing alarm, after a restart or a takeover): those whose latest notice carries the
    /// `silenced` annotation were never announced to their receivers.
    mutating func replace(withFiring notifications: [[UInt8]], annotation: String) {
        held = [:]
        for body in notifications {
            guard let notice = try? AlertCodec.decodeNotice(body), notice.kind != .resolved,
                  let why = notice.alert.annotations[annotation] else { continue }
            let alert = notice.alert
            hold(alertID: alert.id, point: AlarmPoint(
                rule: alert.rule, site: alert.site, line: alert.line, device: alert.device, sensor: alert.sensor), why: why)
        }
    }
}
