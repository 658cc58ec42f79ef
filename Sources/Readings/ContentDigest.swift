/// A short digest of some bytes (64-bit FNV-1a as 16 hex digits): names a version of a file,
/// such as the rule file an edge runs, so two sites can be compared at a glance. Not a
/// cryptographic hash.
public enum ContentDigest {
    public static func hex16(_ bytes: [UInt8]) -> String {
        let hex = String(SeriesTable.fnv1a(bytes), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
