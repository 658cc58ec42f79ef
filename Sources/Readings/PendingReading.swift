/// A reading found in a payload but not yet committed: the message may still be rejected.
///
/// Names are byte ranges into the parser's scratch buffer of decoded strings; fields the
/// payload did not set hold ``inherit`` until the enclosing object or the message fills them.
struct PendingReading {
    /// Marks `ts` or `seq` as not given at this level.
    static let inherit = Int64.min

    /// The sensor name, or `nil` for the sensor named by the topic.
    var sensor: Range<Int>?
    /// The unit, or `nil` when not given at this level.
    var unit: Range<Int>?
    var ts: Int64
    var value: Double
    var seq: Int64
}

/// The parser's reusable buffers; their capacity survives from message to message.
struct DecodeScratch {
    var pending: [PendingReading] = []
    /// Decoded sensor names, units and escaped timestamps, back to back.
    var names: [UInt8] = []
    /// The ids interned for `pending`, index for index.
    var ids: [SeriesID] = []

    mutating func removeAll() {
        pending.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
    }
}
