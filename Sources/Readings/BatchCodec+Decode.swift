extension BatchCodec {
    /// Reads a batch and checks that its columns fit together.
    ///
    /// The core decodes every batch an edge posts, so this walks the bytes with the same
    /// validating ``JSONScanner`` the edge uses for payloads and fills the columns directly:
    /// no `Codable` machinery and no intermediate JSON tree (4–5× fewer instructions than
    /// `JSONDecoder` on a 5,000-reading batch). Unknown members are skipped.
    /// - Parameter maxReadings: the most readings (and series listed or defined) accepted:
    ///   decoding stops at the first column entry past it, before allocating for the rest, so a
    ///   small compressed body cannot grow into gigabytes of arrays.
    /// - Throws: ``BatchDecodingError`` saying which member is wrong.
    public static func decode(_ bytes: some Collection<UInt8>, maxReadings: Int = .max) throws(BatchDecodingError) -> Batch {
        let result: Result<Batch, BatchDecodingError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(BatchDecodingError) in try decode(UnsafeRawBufferPointer(buffer), maxReadings: maxReadings) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        let copied: Result<Batch, BatchDecodingError> = copy.withUnsafeBytes { raw in
            Result { () throws(BatchDecodingError) in try decode(raw, maxReadings: maxReadings) }
        }
        return try copied.get()
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, maxReadings: Int) throws(BatchDecodingError) -> Batch {
        var reader = BatchReader(scanner: JSONScanner(raw), limit: max(0, maxReadings))
        let batch = try reader.read()
        let count = batch.sid.count
        for (name, length) in [("ts", batch.ts.count), ("value", batch.value.count), ("dseq", batch.dseq?.count ?? count)]
        where length != count {
            throw BatchDecodingError(.columnLengthMismatch, "\(name) has \(length) entries but sid has \(count)")
        }
        let deviceSeq = batch.dseq.map { $0.map { max($0, -1) } } ?? Array(repeating: -1, count: count)
        var received: ClosedRange<Int64>?
        if let window = batch.received {
            guard window.count == 2, window[0] >= 0, window[0] <= window[1], window[1] <= maxReceivedMillis else {
                throw BatchDecodingError(.invalidJSON, "received must be [from, to] epoch milliseconds with 0 <= from <= to <= \(maxReceivedMillis)")
            }
            received = window[0]...window[1]
        }
        var decoded: Batch
        if let dictionary = batch.dictionary {
            decoded = try dictionaryBatch(batch, dictionary: dictionary, deviceSeq: deviceSeq)
        } else {
            decoded = try inlineBatch(batch, deviceSeq: deviceSeq)
        }
        decoded.received = received
        return decoded
    }

    private static func inlineBatch(_ batch: BatchReader.Columns, deviceSeq: [Int64]) throws(BatchDecodingError) -> Batch {
        guard batch.definitions == nil else { throw BatchDecodingError(.invalidSeries, "defs is only allowed with dict") }
        guard let fieldLists = batch.series else { throw BatchReader.missing("series") }
        var series: [Series] = []
        series.reserveCapacity(fieldLists.count)
        for (index, fields) in fieldLists.enumerated() {
            guard fields.count == 5 else {
                throw BatchDecodingError(.invalidSeries, "series[\(index)] has \(fields.count) fields, expected 5 (site, line, device, sensor, unit)")
            }
            series.append(Series(site: fields[0], line: fields[1], device: fields[2], sensor: fields[3], unit: fields[4]))
        }
        if let index = batch.sid.firstIndex(where: { Int($0) >= series.count }) {
            throw BatchDecodingError(.sidOutOfRange, "sid[\(index)] = \(batch.sid[index]) but the batch has \(series.count) series")
        }
        return Batch(edge: batch.edge, seq: batch.seq, spool: batch.spool, series: series, sid: batch.sid, ts: batch.ts, value: batch.value, deviceSeq: deviceSeq)
    }

    private static func dictionaryBatch(_ batch: BatchReader.Columns, dictionary: Int64, deviceSeq: [Int64]) throws(BatchDecodingError) -> Batch {
        guard dictionary > 0 else { throw BatchDecodingError(.invalidJSON, "dict must be a positive integer, got \(dictionary)") }
        guard batch.series == nil else { throw BatchDecodingError(.invalidSeries, "a batch with dict defines its series in defs, not series") }
        let definitions = batch.definitions ?? []
        var defined = Set<UInt32>(minimumCapacity: definitions.count)
        for (index, definition) in definitions.enumerated() {
            guard definition.key < dictionaryKeyLimit else {
                throw BatchDecodingError(.invalidSeries, "defs[\(index)] key \(definition.key) is not below \(dictionaryKeyLimit)")
            }
            guard defined.insert(definition.key).inserted else {
                throw BatchDecodingError(.invalidSeries, "defs[\(index)] defines key \(definition.key) a second time")
            }
        }
        if let index = batch.sid.firstIndex(where: { $0 >= dictionaryKeyLimit }) {
            throw BatchDecodingError(.sidOutOfRange, "sid[\(index)] = \(batch.sid[index]) is not below the dictionary key limit \(dictionaryKeyLimit)")
        }
        return Batch(
            edge: batch.edge, seq: batch.seq, spool: batch.spool, dictionary: dictionary, definitions: definitions, sid: batch.sid,
            ts: batch.ts, value: batch.value, deviceSeq: deviceSeq)
    }
}

/// Walks the wire form (`{"edge","seq","series"|"dict"+"defs"?,"sid","ts","value","dseq"?}`)
/// member by member.
private struct BatchReader {
    var scanner: JSONScanner
    /// Most entries of any column, `series` or `defs`.
    let limit: Int
    var edge: String?
    var seq: Int64?
    var spool: Int64?
    var dictionary: Int64?
    var series: [[String]]?
    var definitions: [SeriesDefinition]?
    var sid: [UInt32]?
    var ts: [Int64]?
    var value: [Double]?
    var dseq: [Int64]?
    var received: [Int64]?
    /// Reused for each string's decoded bytes.
    var stringBytes: [UInt8] = []

    struct Columns {
        var edge: String
        var seq: Int64
        var spool: Int64?
        var dictionary: Int64?
        var series: [[String]]?
        var definitions: [SeriesDefinition]?
        var sid: [UInt32]
        var ts: [Int64]
        var value: [Double]
        var dseq: [Int64]?
        var received: [Int64]?
    }

    mutating func read() throws(BatchDecodingError) -> Columns {
        do {
            guard case .objectStart = try scanner.nextValue() else { throw BatchDecodingError(.invalidJSON, "the top level is not an object") }
            var first = true
            var name: [UInt8] = []
            while let key = try scanner.nextMember(first: first) {
                first = false
                name.removeAll(keepingCapacity: true)
                scanner.decodeString(key, into: &name)
                switch String(decoding: name, as: UTF8.self) {
                case "edge": edge = try string(at: "edge")
                case "seq": seq = try integer(at: "seq")
                case "spool": spool = try integer(at: "spool")
                case "dict": dictionary = try integer(at: "dict")
                case "series":
                    guard series == nil else { throw BatchDecodingError(.invalidJSON, "member \"series\" appears twice") }
                    series = try seriesList()
                case "defs":
                    guard definitions == nil else { throw BatchDecodingError(.invalidJSON, "member \"defs\" appears twice") }
                    definitions = try definitionList()
                case "sid": sid = try keys(at: "sid")
                case "ts": ts = try integers(at: "ts")
                case "value": value = try doubles(at: "value")
                case "dseq": dseq = try integers(at: "dseq")
                case "received":
                    // Two entries: reading stops at a third.
                    received = try integers(at: "received", limit: 2)
                default: try scanner.skipValue(depth: 1)
                }
            }
            try scanner.expectEnd()
        } catch let error as BatchDecodingError {
            throw error
        } catch {
            throw BatchDecodingError(.invalidJSON, "not JSON")
        }
        guard let edge else { throw Self.missing("edge") }
        guard let seq else { throw Self.missing("seq") }
        guard let sid else { throw Self.missing("sid") }
        guard let ts else { throw Self.missing("ts") }
        guard let value else { throw Self.missing("value") }
        if let spool, spool <= 0 { throw BatchDecodingError(.invalidJSON, "spool must be a positive integer, got \(spool)") }
        return Columns(
            edge: edge, seq: seq, spool: spool, dictionary: dictionary, series: series, definitions: definitions, sid: sid, ts: ts,
            value: value, dseq: dseq, received: received)
    }

    static func missing(_ name: String) -> BatchDecodingError {
        BatchDecodingError(.invalidJSON, "missing member \"\(name)\" at the top level")
    }

    static func wrongType(_ path: String) -> BatchDecodingError {
        BatchDecodingError(.invalidJSON, "wrong type at \(path)")
    }

    /// Called before taking entry `index` of `name`.
    private func checkRoom(_ index: Int, _ name: String) throws(BatchDecodingError) {
        guard index < limit else { throw BatchDecodingError(.tooManyReadings, "\(name) has more than \(limit) entries") }
    }

    // Paths are autoclosures: built only for an error, not for each of a batch's values.
    private mutating func string(at path: @autoclosure () -> String) throws -> String {
        guard case .string(let token) = try scanner.nextValue() else { throw Self.wrongType(path()) }
        stringBytes.removeAll(keepingCapacity: true)
        scanner.decodeString(token, into: &stringBytes)
        return String(decoding: stringBytes, as: UTF8.self)
    }

    private mutating func integer(at path: @autoclosure () -> String) throws -> Int64 {
        guard case .number(let token) = try scanner.nextValue(), token.isInteger,
            let value = NumberParsing.int64(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range]))
        else { throw Self.wrongType(path()) }
        return value
    }

    /// - Parameter most: fewer entries than the batch limit for a short member (`received`).
    private mutating func integers(at name: String, limit most: Int? = nil) throws -> [Int64] {
        guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType(name) }
        var out: [Int64] = []
        out.reserveCapacity(min(5_000, most ?? limit))
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            if let most, index >= most { throw BatchDecodingError(.invalidJSON, "\(name) has more than \(most) entries") }
            try checkRoom(index, name)
            out.append(try integer(at: "\(name)[\(index)]"))
            index += 1
        }
        return out
    }

    /// Non-negative integers that fit `UInt32` (`sid`).
    private mutating func keys(at name: String) throws -> [UInt32] {
        guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType(name) }
        var out: [UInt32] = []
        out.reserveCapacity(min(5_000, limit))
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            try checkRoom(index, name)
            guard let key = UInt32(exactly: try integer(at: "\(name)[\(index)]")) else {
                throw BatchDecodingError(.invalidJSON, "invalid value at \(name)[\(index)]")
            }
            out.append(key)
            index += 1
        }
        return out
    }

    /// `[[key, site, line, device, sensor, unit], …]`
    private mutating func definitionList() throws -> [SeriesDefinition] {
        guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType("defs") }
        var out: [SeriesDefinition] = []
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            try checkRoom(index, "defs")
            guard case .arrayStart = try scanner.nextValue(), try scanner.nextElement(first: true),
                let key = UInt32(exactly: try integer(at: "defs[\(index)][0]"))
            else { throw BatchDecodingError(.invalidSeries, "defs[\(index)] must start with a key (a non-negative integer)") }
            var fields: [String] = []
            while try scanner.nextElement(first: false) {
                guard fields.count < 5 else { throw BatchDecodingError(.invalidSeries, "defs[\(index)] has more than 6 entries") }
                fields.append(try string(at: "defs[\(index)][\(fields.count + 1)]"))
            }
            guard fields.count == 5 else {
                throw BatchDecodingError(.invalidSeries, "defs[\(index)] has \(fields.count + 1) entries, expected 6 (key, site, line, device, sensor, unit)")
            }
            out.append(SeriesDefinition(key: key, series: Series(site: fields[0], line: fields[1], device: fields[2], sensor: fields[3], unit: fields[4])))
            index += 1
        }
        return out
    }

    private mutating func doubles(at name: String) throws -> [Double] {
        guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType(name) }
        var out: [Double] = []
        out.reserveCapacity(min(5_000, limit))
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            try checkRoom(index, name)
            guard case .number(let token) = try scanner.nextValue() else { throw Self.wrongType("\(name)[\(index)]") }
            let value = NumberParsing.double(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range]))
            guard value.isFinite else { throw BatchDecodingError(.invalidJSON, "invalid value at \(name)[\(index)]") }
            out.append(value)
            index += 1
        }
        return out
    }

    private mutating func seriesList() throws -> [[String]] {
        guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType("series") }
        var out: [[String]] = []
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            try checkRoom(index, "series")
            guard case .arrayStart = try scanner.nextValue() else { throw Self.wrongType("series[\(index)]") }
            var fields: [String] = []
            var field = 0
            while try scanner.nextElement(first: field == 0) {
                guard field < 5 else { throw BatchDecodingError(.invalidSeries, "series[\(index)] has more than 5 fields (site, line, device, sensor, unit)") }
                fields.append(try string(at: "series[\(index)][\(field)]"))
                field += 1
            }
            out.append(fields)
            index += 1
        }
        return out
    }
}
