/// Raw little-endian column blobs for the `chunks` table: a group commit stores four blobs
/// instead of one row per reading. Only this process's architecture reads them back (the
/// spool file is local to the edge), but the byte order is fixed anyway so a spool can move.
enum ChunkCodec {
    static func bytes<T: FixedWidthInteger>(_ values: ArraySlice<T>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    static func bytes(_ values: ArraySlice<Double>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * 8)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    static func integers<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, as: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return (0..<(raw.count / size)).map { index in
            T(littleEndian: raw.loadUnaligned(fromByteOffset: index * size, as: T.self))
        }
    }

    static func doubles(_ raw: UnsafeRawBufferPointer) -> [Double] {
        integers(raw, as: UInt64.self).map(Double.init(bitPattern:))
    }
}
