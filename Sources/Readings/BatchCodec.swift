/// The columnar JSON wire form of a ``Batch`` (DESIGN §3.4):
///
/// ```json
/// {"edge":"seoul-a","seq":42,"series":[["seoul","line-1","press-07","temperature","C"]],
///  "sid":[0,0],"ts":[1732400000123,1732400001123],"value":[71.25,71.5],"dseq":[12,13]}
/// ```
///
/// `dseq` is written only when some reading carries a device `seq`; when it is absent every
/// reading decodes with `-1`.
public enum BatchCodec {
    /// Writes a batch as JSON bytes.
    ///
    /// - Precondition: the columns have equal lengths, every `sid` indexes `series`, and every
    ///   value is finite. These hold for batches built from ``ReadingColumns``; breaking them is a
    ///   programming error, and a batch the core would refuse forever must not reach the spool.
    public static func encode(_ batch: Batch) -> [UInt8] {
        precondition(batch.ts.count == batch.count && batch.value.count == batch.count
            && batch.deviceSeq.count == batch.count, "batch columns differ in length")
        var out: [UInt8] = []
        out.reserveCapacity(64 + batch.series.count * 48 + batch.count * 36)
        out.append(contentsOf: #"{"edge":"#.utf8)
        appendString(batch.edge, to: &out)
        out.append(contentsOf: #","seq":"#.utf8)
        appendInteger(batch.seq, to: &out)
        out.append(contentsOf: #","series":["#.utf8)
        for (index, series) in batch.series.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (position, field) in [series.site, series.line, series.device, series.sensor, series.unit].enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendString(field, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: #"],"sid":["#.utf8)
        for (index, sid) in batch.sid.enumerated() {
            precondition(Int(sid) < batch.series.count, "sid \(sid) outside the batch's \(batch.series.count) series")
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendInteger(Int64(sid), to: &out)
        }
        out.append(contentsOf: #"],"ts":["#.utf8)
        for (index, ts) in batch.ts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendInteger(ts, to: &out)
        }
        out.append(contentsOf: #"],"value":["#.utf8)
        for (index, value) in batch.value.enumerated() {
            precondition(value.isFinite, "non-finite value in a batch")
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // Swift prints the shortest text that reads back as the same Double, and its
            // forms (`71.25`, `1e-07`, `-0.0`, `1e+20`) are all valid JSON numbers.
            out.append(contentsOf: value.description.utf8)
        }
        out.append(UInt8(ascii: "]"))
        if batch.deviceSeq.contains(where: { $0 >= 0 }) {
            out.append(contentsOf: #","dseq":["#.utf8)
            for (index, seq) in batch.deviceSeq.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendInteger(max(seq, -1), to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Writes a JSON string literal: `"` and `\` escaped, control characters as `\n`, `\u001f`.
    public static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case ..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(UInt8(ascii: "0") + byte >> 4)
                out.append(byte & 0xF < 10 ? UInt8(ascii: "0") + byte & 0xF : UInt8(ascii: "a") + byte & 0xF - 10)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes an integer in decimal without going through `String`.
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Most significant digit first, so no reversal buffer is needed.
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
