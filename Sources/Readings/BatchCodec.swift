/// The columnar JSON wire form of a ``Batch`` (DESIGN §3.4):
///
/// ```json
/// {"edge":"seoul-a","seq":42,"series":[["seoul","line-1","press-07","temperature","C"]],
///  "sid":[0,0],"ts":[1732400000123,1732400001123],"value":[71.25,71.5],"dseq":[12,13]}
/// ```
///
/// A batch that names its series by the sender's dictionary (``Batch/dictionary``) carries
/// `dict` and, instead of `series`, `defs` (omitted when empty) with `sid` holding keys:
///
/// ```json
/// {"edge":"seoul-a","seq":43,"spool":6120344081721,"dict":6120344081721,"defs":[[17,"seoul","line-1","press-07","temperature","C"]],
///  "sid":[17,17,3],"ts":[…],"value":[…]}
/// ```
///
/// `spool` (the sealing spool file's id; with `edge` and `seq` the batch's identity) is written
/// when the batch has one. `dseq` is written only when some reading carries a device `seq`; when it is absent every
/// reading decodes with `-1`.
public enum BatchCodec {
    /// Dictionary keys are below this (4,194,304): a receiver can keep a dictionary as an array.
    public static let dictionaryKeyLimit: UInt32 = 1 << 22
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
        if let spool = batch.spool {
            precondition(spool > 0, "spool id must be positive")
            out.append(contentsOf: #","spool":"#.utf8)
            appendInteger(spool, to: &out)
        }
        if let dictionary = batch.dictionary {
            precondition(dictionary > 0 && batch.seriesKeys.count == batch.series.count, "malformed dictionary batch")
            out.append(contentsOf: #","dict":"#.utf8)
            appendInteger(dictionary, to: &out)
            if !batch.series.isEmpty {
                out.append(UInt8(ascii: ","))
                appendDefinitions(batch.definitions, to: &out)
            }
        } else {
            out.append(contentsOf: #","series":["#.utf8)
            for (index, series) in batch.series.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "["))
                appendFields(of: series, to: &out)
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: #","sid":["#.utf8)
        let sidLimit = batch.dictionary == nil ? batch.series.count : Int(dictionaryKeyLimit)
        for (index, sid) in batch.sid.enumerated() {
            precondition(Int(sid) < sidLimit, "sid \(sid) outside the batch's series")
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
        if let received = batch.received {
            precondition(received.lowerBound >= 0 && received.upperBound <= maxReceivedMillis, "received outside 0...\(maxReceivedMillis)")
            out.append(contentsOf: #","received":["#.utf8)
            appendInteger(received.lowerBound, to: &out)
            out.append(UInt8(ascii: ","))
            appendInteger(received.upperBound, to: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The latest `received` time accepted (year 2286, epoch milliseconds): beyond it a time is
    /// nonsense, and every figure derived from it stays far inside `Int64`.
    public static let maxReceivedMillis: Int64 = 9_999_999_999_999

    /// Adds `defs` to an encoded dictionary batch that has none (as the edge's spool keeps them),
    /// for the series the receiver may not know yet; the rest of the bytes are kept as they are.
    /// - Precondition: `body` is ``encode(_:)``'s output for a dictionary batch without definitions.
    public static func addingDefinitions(_ definitions: [SeriesDefinition], to body: [UInt8]) -> [UInt8] {
        guard !definitions.isEmpty else { return body }
        precondition(body.first == UInt8(ascii: "{") && body.count > 2, "not an encoded batch")
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(body.count + definitions.count * 56)
        appendDefinitions(definitions, to: &out)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: body[1...])
        return out
    }

    /// `"defs":[[key,site,line,device,sensor,unit],…]`
    private static func appendDefinitions(_ definitions: [SeriesDefinition], to out: inout [UInt8]) {
        out.append(contentsOf: #""defs":["#.utf8)
        for (index, definition) in definitions.enumerated() {
            precondition(definition.key < dictionaryKeyLimit, "dictionary key \(definition.key) too large")
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            appendInteger(Int64(definition.key), to: &out)
            out.append(UInt8(ascii: ","))
            appendFields(of: definition.series, to: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func appendFields(of series: Series, to out: inout [UInt8]) {
        for (position, field) in [series.site, series.line, series.device, series.sensor, series.unit].enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            appendString(field, to: &out)
        }
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
