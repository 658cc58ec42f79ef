public import Readings

/// One rejected message, kept for operators in the spool's `rejects` table.
public struct RejectSample: Sendable, Equatable {
    /// How many payload bytes are kept: enough to see what went wrong, never a whole payload.
    public static let prefixLimit = 64

    public var reason: RejectReason
    public var topic: String
    /// The first bytes of the payload (at most `prefixLimit`).
    public var payloadPrefix: [UInt8]
    /// The payload's full size.
    public var payloadBytes: Int
    public var atMillis: Int64

    public init(reason: RejectReason, topic: String, payloadPrefix: [UInt8], payloadBytes: Int, atMillis: Int64) {
        self.reason = reason
        self.topic = topic
        self.payloadPrefix = Array(payloadPrefix.prefix(Self.prefixLimit))
        self.payloadBytes = payloadBytes
        self.atMillis = atMillis
    }

    /// The prefix as text for logs: printable ASCII kept, everything else escaped.
    public var printablePrefix: String {
        var text = ""
        for byte in payloadPrefix {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        if payloadBytes > payloadPrefix.count { text += "…" }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
