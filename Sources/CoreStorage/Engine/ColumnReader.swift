/// Reads what ``ColumnWriter`` wrote, checking every length against the bytes it has: a damaged
/// or hostile blob gives an error naming what was being read, never a crash or a huge allocation.
struct ColumnReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    /// What the bytes are (for errors), e.g. `"block 42"`.
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, what: String) {
        self.bytes = bytes
        self.position = 0
        self.what = what
    }

    var isAtEnd: Bool { position >= bytes.count }

    func failure(_ message: String) -> ReadingStoreError {
        ReadingStoreError(.schema, "\(what): \(message) at byte \(position) of \(bytes.count)")
    }

    mutating func byte() throws(ReadingStoreError) -> UInt8 {
        guard position < bytes.count else { throw failure("ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(ReadingStoreError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw failure("a number ends early or is too long")
    }

    mutating func signed() throws(ReadingStoreError) -> Int64 {
        ColumnWriter.unzigzag(try varint())
    }

    /// A count that must not exceed `limit` (so a damaged count cannot ask for a huge array).
    mutating func count(atMost limit: Int) throws(ReadingStoreError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw failure("count \(value) exceeds \(limit)") }
        return Int(value)
    }

    mutating func rawDouble() throws(ReadingStoreError) -> Double {
        guard bytes.count - position >= 8 else { throw failure("a value ends early") }
        let bits = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Reads `count` values written by ``ColumnWriter/zeroRuns(_:)``, passing each to `body`.
    mutating func zeroRuns(count: Int, _ body: (Int64) -> Void) throws(ReadingStoreError) {
        var produced = 0
        while produced < count {
            guard position < bytes.count else { throw failure("ends after \(produced) of \(count) values") }
            if bytes[position] == 0 {
                position += 1
                let run = try varint()
                guard run < UInt64(count - produced) else { throw failure("a run of \(run + 1) zeros passes \(count) values") }
                for _ in 0...Int(run) { body(0) }
                produced += Int(run) + 1
            } else {
                body(try signed())
                produced += 1
            }
        }
    }
}
