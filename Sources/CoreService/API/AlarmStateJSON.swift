import CoreStorage
import Readings

/// The `alarm` member of each alert the core lists: its ANSI/ISA-18.2 state and what operators
/// did about it.
///
/// `state`: `unacknowledged` (active, not acknowledged), `acknowledged` (active), `returned`
/// (returned to normal, not acknowledged: someone still has to look), `normal`.
/// `{"acknowledged_at":null,"acknowledged_by":null,"comment":null,"out_of_service":false,"shelved_until":null,"state":"unacknowledged"}`
enum AlarmStateJSON {
    /// The ISA-18.2 state of an alert.
    static func state(resolved: Bool, acknowledged: Bool) -> String {
        switch (resolved, acknowledged) {
        case (false, false): "unacknowledged"
        case (false, true): "acknowledged"
        case (true, false): "returned"
        case (true, true): "normal"
        }
    }

    static func encode(_ alert: AlertRecord, acknowledgement: Acknowledgement?, suppression: AlarmSuppressions.Reason?) -> [UInt8] {
        var out: [UInt8] = Array(#"{"acknowledged_at":"#.utf8)
        if let acknowledgement {
            BatchCodec.appendString(RFC3339.format(millis: acknowledgement.atMillis), to: &out)
            out.append(contentsOf: #","acknowledged_by":"#.utf8)
            BatchCodec.appendString(acknowledgement.by, to: &out)
            out.append(contentsOf: #","comment":"#.utf8)
            BatchCodec.appendString(acknowledgement.comment, to: &out)
        } else {
            out.append(contentsOf: #"null,"acknowledged_by":null,"comment":null"#.utf8)
        }
        out.append(contentsOf: #","out_of_service":"#.utf8)
        out.append(contentsOf: (suppression == .outOfService ? "true" : "false").utf8)
        out.append(contentsOf: #","shelved_until":"#.utf8)
        if case .shelved(let until) = suppression {
            BatchCodec.appendString(RFC3339.format(millis: until), to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","state":"#.utf8)
        BatchCodec.appendString(state(resolved: alert.status == "resolved", acknowledged: acknowledgement != nil), to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
