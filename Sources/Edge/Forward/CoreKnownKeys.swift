import Readings

/// Which of the spool's series dictionary keys the edge believes the core knows: those of every
/// batch the core acknowledged (a stored batch's keys were all known or defined when it was
/// stored). Sent batches define only the other keys, so a steady plant sends no series names
/// at all. Belief, not proof: a core that lost keys (restored from a backup, another database
/// behind a failover URL) answers 409, and the lane then forgets everything believed here and
/// sends the batch with every key defined.
///
/// A bit set over keys below ``Readings/BatchCodec/dictionaryKeyLimit``: at most 512 KiB, and
/// 12.5 KiB for 100,000 series.
struct CoreKnownKeys: Sendable, Equatable {
    private var words: [UInt64] = []

    init() {}

    func contains(_ key: UInt32) -> Bool {
        let word = Int(key >> 6)
        return word < words.count && words[word] & (1 << UInt64(key & 63)) != 0
    }

    /// The keys of `keys` the core may not know (all of them with `all`), in the order given.
    func toDefine(_ keys: [UInt32], all: Bool) -> [UInt32] {
        all ? keys : keys.filter { !contains($0) }
    }

    /// The core acknowledged a batch that uses `keys`.
    mutating func acknowledged(_ keys: [UInt32]) {
        for key in keys where key < BatchCodec.dictionaryKeyLimit {
            let word = Int(key >> 6)
            if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
            words[word] |= 1 << UInt64(key & 63)
        }
    }

    /// The core said it does not know some keys: believe nothing any more.
    mutating func forgetAll() {
        words.removeAll()
    }
}
